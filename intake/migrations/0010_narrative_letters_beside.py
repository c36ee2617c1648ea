"""The account's letters move out of the submission's row into a table beside it
(NarrativeLetters), with the case search's trigram index.

As a generated column of intake_submission (0009), the letters were computed again, and the
trigram index given some three hundred new entries, by every write of the row that was not
heap-only: routing's (its state is indexed) and every status change after it, though the
account had not changed. That was four fifths of what routing's write of a submission cost
PostgreSQL (0.18 ms a row against 0.04) and a sixth of the write-ahead log a submission
made. Here PostgreSQL's triggers write the letters when a submission is stored, and again only
when its account changes (retention's anonymising); nothing else writes them. PostgreSQL
only: elsewhere the table stays empty and the search reads the accounts."""

import logging

import django.db.models.deletion
from django.db import migrations, models

logger = logging.getLogger(__name__)

INDEX = "narrative_letters_trgm"
OLD_INDEX = "submission_narrative_letters_trgm"
LETTERS = "regexp_replace(upper({}), '[^[:alnum:]]+', '', 'g')"

KEEP = f"""
CREATE OR REPLACE FUNCTION intake_narrative_letters_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO intake_narrativeletters (submission_id, letters)
    VALUES (NEW.id, {LETTERS.format("NEW.narrative")})
    ON CONFLICT (submission_id) DO UPDATE SET letters = EXCLUDED.letters;
    RETURN NULL;
END
$$
"""
TRIGGERS = [
    "CREATE TRIGGER narrative_letters_stored AFTER INSERT ON intake_submission "
    "FOR EACH ROW EXECUTE FUNCTION intake_narrative_letters_keep()",
    "CREATE TRIGGER narrative_letters_changed AFTER UPDATE OF narrative ON intake_submission "
    "FOR EACH ROW WHEN (OLD.narrative IS DISTINCT FROM NEW.narrative) "
    "EXECUTE FUNCTION intake_narrative_letters_keep()",
]


def _has_trigrams(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    return cursor.fetchone() is not None


def move_beside(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(KEEP)
        for trigger in TRIGGERS:
            cursor.execute(trigger)
        cursor.execute(
            "INSERT INTO intake_narrativeletters (submission_id, letters) "
            f"SELECT id, {LETTERS.format('narrative')} FROM intake_submission"
        )
        cursor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
        cursor.execute("ALTER TABLE intake_submission DROP COLUMN IF EXISTS narrative_letters")
        if not _has_trigrams(cursor):
            logger.warning("pg_trgm unavailable: the case search works without its index")
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON intake_narrativeletters "
            "USING gin (letters gin_trgm_ops)"
        )


def move_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS narrative_letters_stored ON intake_submission")
        cursor.execute("DROP TRIGGER IF EXISTS narrative_letters_changed ON intake_submission")
        cursor.execute("DROP FUNCTION IF EXISTS intake_narrative_letters_keep()")
        cursor.execute(
            "ALTER TABLE intake_submission ADD COLUMN IF NOT EXISTS narrative_letters text "
            f"GENERATED ALWAYS AS ({LETTERS.format('narrative')}) STORED"
        )
        if _has_trigrams(cursor):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON intake_submission "
                "USING gin (narrative_letters gin_trgm_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [("intake", "0009_narrative_letters")]

    operations = [
        migrations.CreateModel(
            name="NarrativeLetters",
            fields=[
                (
                    "submission",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="intake.submission",
                    ),
                ),
                ("letters", models.TextField()),
            ],
        ),
        migrations.RunPython(move_beside, move_back),
    ]
