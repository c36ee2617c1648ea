from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from .aggregates import sqlite_functions_register


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and the transparency page")

    def ready(self):
        # PostgreSQL has percentile_cont; the embedded SQLite of `make run` gets the same.
        connection_created.connect(sqlite_functions_register, dispatch_uid="reports.sqlite")
