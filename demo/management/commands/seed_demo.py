from django.core.management.base import BaseCommand

from demo.history import demo_history_seed
from demo.seed import demo_seed, statistics_gather
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
