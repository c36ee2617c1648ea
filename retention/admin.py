from django.contrib import admin

from .models import RetentionPeriod


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    """The retention schedule. Legal holds are placed on the staff page, where each is in the
    audit trail; anonymisations are the beat task's and the trail's."""

    list_display = ["outcome", "months"]
    list_editable = ["months"]

    def has_delete_permission(self, request, obj=None):
        # A missing line falls back to the installed default; edit the months instead.
        return False
