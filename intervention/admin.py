from django.contrib import admin

from .models import InterventionRule


@admin.register(InterventionRule)
class InterventionRuleAdmin(admin.ModelAdmin):
    """Thresholds are set here; flags are worked on the staff pages, where every change is in
    the audit trail, so they are not edited in the admin."""

    list_display = ["name", "kind", "threshold", "months", "category", "peer_factor", "active"]
    list_filter = ["kind", "active"]
    fields = ["name", "kind", "threshold", "months", "category", "peer_factor", "active"]

    def has_delete_permission(self, request, obj=None):
        # A threshold that raised flags is kept (they point at it); switch it off instead.
        if obj is not None and obj.flags.exists():
            return False
        return super().has_delete_permission(request, obj)
