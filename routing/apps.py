from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Routing and notices")

    def ready(self):
        from . import checks, webhooks  # noqa: F401 - connects the tracking receiver and checks
