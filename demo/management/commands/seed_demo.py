from django.apps import apps
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
        statistics_gather()
        self.stdout.write(
            f"demo data: {counts['employees']} employees, {counts['staff']} staff accounts, "
            f"{generated.complaints} complaints and {generated.compliments} compliments "
            f"generated, {raised.flags} early-intervention flags raised"
        )


def statistics_gather() -> None:
    """The planner's statistics of the tables the seed filled, gathered now, as PostgreSQL's
    manual advises after a bulk load, not left to autovacuum's next pass (nor to none, where it
    is turned off). Without them the planner guesses how many rows a list of ids matches: the
    routing's read of the employees a batch names scanned their whole table where the index
    finds the few. A table left empty is not analyzed: one analyzed empty is taken for tiny,
    and a plan kept for it while it is small (a scan of the whole table) stays as it grows."""
    filled = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._default_manager.exists()
    ]
    with connection.cursor() as cursor:
        for table in filled:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
