"""The thresholds every installation starts with (edit them in the admin): three complaints in
twelve months, two use-of-force allegations in twelve months, and complaints at twice the
unit's average (at least three) in twelve months."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # name, kind, threshold, months, category, peer_factor
    ("Three complaints in 12 months", "complaints", 3, 12, "", None),
    ("Two use-of-force allegations in 12 months", "category", 2, 12, "use_of_force", None),
    ("Twice the unit's average in 12 months", "peer", 3, 12, "", Decimal("2.00")),
]


def create_defaults(apps, schema_editor):
    InterventionRule = apps.get_model("intervention", "InterventionRule")
    for name, kind, threshold, months, category, factor in DEFAULTS:
        InterventionRule.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "threshold": threshold,
                "months": months,
                "category": category,
                "peer_factor": factor,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("intervention", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
