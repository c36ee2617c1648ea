from django.contrib import admin

from .models import Commendation


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ["submission", "employee", "status", "shared_publicly", "created_at"]
    list_filter = ["status", "shared_publicly", "queue"]
    list_select_related = ["submission", "employee"]
    search_fields = ["submission__tracking_number", "employee__dsn", "employee__last_name"]
    readonly_fields = ["submission", "queue", "rule", "rule_name", "confirmed_by", "confirmed_at"]
    raw_id_fields = ["employee"]
