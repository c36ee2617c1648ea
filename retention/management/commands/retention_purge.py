from datetime import date

from django.core.management.base import BaseCommand, CommandError

from retention.services import retention_apply


class Command(BaseCommand):
    help = (
        "Anonymise every case, commendation and discarded spam whose retention period has run "
        "out (what the hourly beat task does); --dry-run lists what would go and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument("--limit", type=int, default=None, help="at most this many")
        parser.add_argument("--today", default=None, help="the day to count to (YYYY-MM-DD)")

    def handle(self, *args, dry_run: bool, limit: int | None, today: str | None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today {today!r} is not a date like 2026-11-24") from error
        purge = retention_apply(today=day, dry_run=dry_run, limit=limit)
        verb = "would anonymise" if dry_run else "anonymised"
        for due in purge.due:
            self.stdout.write(
                f"{due.tracking_number}  {due.outcome:<18} ended {due.ended_on}  "
                f"due {due.due_on}  {verb}"
            )
        summary = f"{len(purge.due)} {verb}"
        if purge.skipped:
            summary += f", {purge.skipped} left alone (held or done meanwhile)"
        self.stdout.write(summary + ".")
