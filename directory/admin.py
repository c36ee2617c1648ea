from django.contrib import admin

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


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["dsn", "last_name", "first_name", "rank", "unit", "supervisor", "active"]
    list_filter = ["active", "unit"]
    search_fields = ["dsn", "last_name", "first_name", "email"]
    list_select_related = ["unit", "supervisor"]
    autocomplete_fields = ["supervisor"]
