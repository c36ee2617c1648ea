"""The account's letters and digits, upper-case with nothing between them, kept by PostgreSQL
beside the account (a generated column, `narrative_letters`), with the trigram index that the
case search's words in the account use (intake/selectors.accounts_holding).

The trigram index on the account itself knew each word but not which follow which: for a
phrase of common words ("parking lot door") it named nearly every account, and each was then
read again (377 ms at 100,000). Without the spaces, the trigrams that span two words are in
the index too ("NGL", "GLO", "OTD"), and the same phrase names one account in twenty. The
column is PostgreSQL's alone: Django does not know it, so nothing writes it but PostgreSQL,
on every insert and update of the account (retention's anonymising included)."""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)

OLD_INDEX = "intake_submission_narrative_trgm"
INDEX = "submission_narrative_letters_trgm"


def _has_trigrams(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    return cursor.fetchone() is not None


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE intake_submission ADD COLUMN IF NOT EXISTS narrative_letters text "
            "GENERATED ALWAYS AS (regexp_replace(upper(narrative), '[^[:alnum:]]+', '', 'g')) "
            "STORED"
        )
        if not _has_trigrams(cursor):
            logger.warning("pg_trgm unavailable: the case search works without its index")
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON intake_submission "
            "USING gin (narrative_letters gin_trgm_ops)"
        )
        cursor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if _has_trigrams(cursor):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON intake_submission "
                "USING gin ((upper(narrative)) gin_trgm_ops)"
            )
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute("ALTER TABLE intake_submission DROP COLUMN IF EXISTS narrative_letters")


class Migration(migrations.Migration):
    dependencies = [("intake", "0008_fewer_indexes")]

    operations = [migrations.RunPython(create, drop)]
