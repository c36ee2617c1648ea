from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Employee, ServiceArea, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ReportInline(admin.TabularInline):
    model = Employee
    fk_name = "supervisor"
    fields = ["dsn", "first_name", "last_name", "rank", "active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("direct report")
    verbose_name_plural = _("direct reports")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["dsn", "last_name", "first_name", "rank", "unit", "supervisor", "active"]
    list_filter = ["active", "unit"]
    search_fields = ["dsn", "last_name", "first_name", "email"]
    list_select_related = ["unit", "supervisor"]
    autocomplete_fields = ["supervisor"]
    readonly_fields = ["supervisor_chain", "updated_at"]
    inlines = [ReportInline]

    def has_delete_permission(self, request, obj=None):
        return False  # cases point at employees for good: deactivate instead

    @admin.display(description=_("chain of command"))
    def supervisor_chain(self, obj: Employee) -> str:
        return " → ".join(str(e) for e in obj.supervisor_chain()) or "—"
