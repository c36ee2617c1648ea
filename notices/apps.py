from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # Connects the tracking-signal receiver and registers the deploy check.
        from . import checks, webhooks  # noqa: F401
