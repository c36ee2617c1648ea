from django.contrib import admin

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Administrators see the registry, not its content: the account itself is for case staff."""

    list_display = [
        "tracking_number",
        "kind",
        "channel",
        "received_at",
        "routing_state",
        "quarantined",
    ]
    list_filter = ["kind", "routing_state", "quarantined", "channel"]
    search_fields = ["tracking_number"]
    fields = [
        "tracking_number",
        "kind",
        "channel",
        "received_at",
        "routing_state",
        "routed_at",
        "quarantined",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
