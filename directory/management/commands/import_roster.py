from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.services import roster_import


class Command(BaseCommand):
    help = "Bring the roster in line with an HR export (CSV). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="Do not deactivate employees missing from the file.",
        )

    def handle(self, *args, file: Path, keep_missing: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        report = roster_import(path=file, deactivate_missing=not keep_missing)
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(
            f"roster: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.deactivated} deactivated, "
            f"{len(report.errors)} rows with errors"
        )
