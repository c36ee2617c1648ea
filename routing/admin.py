from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DeliveryEvent, Notice, PaperLetter, Queue, RoutingRule


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "confidential"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "name",
        "applies_to",
        "queue",
        "priority",
        "due_days",
        "confidential",
        "active",
    ]
    list_display_links = ["name"]
    list_editable = ["order", "active"]
    filter_horizontal = ["service_areas", "units"]
    readonly_fields = ["is_catch_all"]

    def has_delete_permission(self, request, obj=None):
        # The catch-all must always exist, so that every submission finds a queue.
        if obj is not None and obj.is_catch_all:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would bypass the catch-all guard
        return actions


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["submission", "kind", "recipient_email", "state", "attempts", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["submission__tracking_number", "recipient_email", "provider_message_id"]
    # The context carries what the email says (allegations, messages): case content, which the
    # administrator does not see. Delivery facts only.
    exclude = ["context"]
    readonly_fields = [f.name for f in Notice._meta.fields if f.name != "context"]

    def has_add_permission(self, request):
        return False


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "event_type", "recipient", "notice"]
    list_filter = ["event_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PaperLetter)
class PaperLetterAdmin(admin.ModelAdmin):
    list_display = ["submission", "notice", "state", "created_at", "posted_at"]
    list_filter = ["state"]
    readonly_fields = ["notice", "submission", "created_at", "posted_at", "posted_by"]

    def has_add_permission(self, request):
        return False


admin.site.site_header = _("Candor administration")
