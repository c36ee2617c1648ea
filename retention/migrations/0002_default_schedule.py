"""The installed retention schedule (retention/models.py, DEFAULT_MONTHS, and the README say
why these numbers): a starting point for the department's own records schedule, set in the
admin."""

from django.db import migrations

DEFAULT_MONTHS = {
    "sustained": 120,
    "policy_failure": 120,
    "not_sustained": 60,
    "exonerated": 60,
    "unfounded": 36,
    "withdrawn": 36,
    "admin_closed": 36,
    "mediated": 36,
    "referred": 36,
    "merged": 36,
    "quarantined_spam": 3,
    "commendation": 60,
}


def create_defaults(apps, schema_editor):
    RetentionPeriod = apps.get_model("retention", "RetentionPeriod")
    for outcome, months in DEFAULT_MONTHS.items():
        RetentionPeriod.objects.get_or_create(outcome=outcome, defaults={"months": months})


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
