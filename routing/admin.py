from django.contrib import admin

from .models import RoutingRule


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
