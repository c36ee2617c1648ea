from django.core.management.base import BaseCommand

from demo.seed import demo_seed


class Command(BaseCommand):
    help = "Load the demo roster, service areas and one staff account per role (safe to run again)."

    def handle(self, *args, **options):
        counts = demo_seed()
        self.stdout.write(
            f"demo data: {counts['employees']} employees, {counts['staff']} staff accounts"
        )
