from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Queue

admin.site.site_header = _("Candor administration")


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "confidential"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
