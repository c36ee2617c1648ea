"""Indexes for the staff case list's search (cases/selectors.search_submission_ids): trigram
indexes for words anywhere in the account and in the name a resident gave, and indexes for a
badge or car number typed in any case. PostgreSQL only; without the pg_trgm extension (a
database where it may not be created) the search works as before, only slower."""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

TRIGRAM = [
    ("intake_submission_narrative_trgm", "intake_submission", "upper(narrative)"),
    ("intake_involved_name_trgm", "intake_involvedemployee", "upper(name::text)"),
]
PLAIN = [
    ("intake_involved_badge_upper", "intake_involvedemployee", "upper(badge::text)"),
    ("intake_involved_car_upper", "intake_involvedemployee", "upper(car_number::text)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, table, expression in PLAIN:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} (({expression}))")
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # no privilege, or the extension is not installed
            logger.warning("pg_trgm unavailable (%s): the case search works without it", error)
            return
        for name, table, expression in TRIGRAM:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (({expression}) gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _expression in PLAIN + TRIGRAM:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_submission_received_cover")]

    operations = [migrations.RunPython(create, drop)]
