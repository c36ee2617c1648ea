from django.contrib import admin

from .models import DeliveryEvent, Notice, PaperLetter


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
