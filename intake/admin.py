from django.contrib import admin

from .models import PartnerApiKey, Submission


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
        "quarantine_reason",
        "quarantine_decision",
        "quarantine_decided_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerApiKey)
class PartnerApiKeyAdmin(admin.ModelAdmin):
    """Keys are made with `manage.py create_partner_key` (the key is shown once); here an
    administrator can only see them and switch one off."""

    list_display = ["name", "prefix", "active", "created_at", "last_used_at"]
    fields = ["name", "prefix", "active", "created_at", "last_used_at"]
    readonly_fields = ["name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
