from django.core.management.base import BaseCommand

from intake.api import partner_key_create


class Command(BaseCommand):
    help = "Make an API key for a partner system (311, kiosk). The key is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the partner, e.g. 'City of Florissant 311'")

    def handle(self, *args, name: str, **options):
        partner, key = partner_key_create(name=name)
        self.stdout.write(f"Key for {partner.name} (shown once, store it now):\n{key}")
