from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff and queues")

    def ready(self):
        # Connects the sign-in log receivers.
        from . import signin  # noqa: F401
