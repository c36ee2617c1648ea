from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionConfig(AppConfig):
    name = "intervention"
    verbose_name = _("Early intervention")
