from django.core.management.base import BaseCommand
from django.db import connection

from demo.history import demo_history_seed
from demo.seed import demo_seed
from intervention.services import flags_raise
from reports.transparency import transparency_refresh


class Command(BaseCommand):
    help = (
        "Load the demo roster, service areas, one staff account per role and two years of "
        "generated complaints and compliments, publish the figures and raise the flags (safe "
        "to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--history", type=int, default=360, help="generated submissions (first run only)"
        )

    def handle(self, *args, history: int, **options):
        counts = demo_seed()
        generated = demo_history_seed(count=history)
        transparency_refresh()
        raised = flags_raise()
        # A bulk load: the planner's statistics are gathered now, as PostgreSQL's manual advises
        # after one, not left to autovacuum's next pass (nor to none, where it is turned off).
        # Without them it takes every table for nearly empty, and reads a whole table where an
        # index would find the few rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"demo data: {counts['employees']} employees, {counts['staff']} staff accounts, "
            f"{generated.complaints} complaints and {generated.compliments} compliments "
            f"generated, {raised.flags} early-intervention flags raised"
        )
