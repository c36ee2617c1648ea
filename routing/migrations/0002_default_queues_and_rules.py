"""The default queues and routing rules every installation starts with, catch-all included."""

from django.db import migrations

QUEUES = [
    # slug, name, kind, confidential
    ("bps-general", "BPS General", "bps", False),
    ("use-of-force", "Use of Force", "bps", False),
    ("bias", "Bias", "bps", False),
    ("public-integrity", "Public Integrity", "bps", True),
    ("chiefs-office", "Chief's Office Commendations", "chief", False),
]

RULES = [
    # order, name, applies_to, categories, keywords, queue, priority, due_days, confidential
    (10, "Compliments to the Chief's office", "compliment", [], "", "chiefs-office", "normal", 30, False),
    (
        20,
        "Criminal misconduct and corruption",
        "complaint",
        ["criminal_misconduct"],
        "",
        "public-integrity",
        "urgent",
        60,
        True,
    ),
    (
        25,
        "Corruption named in the account",
        "complaint",
        [],
        "bribe,bribery,kickback,corruption,corrupt",
        "public-integrity",
        "urgent",
        60,
        True,
    ),
    (30, "Use of force", "complaint", ["use_of_force"], "", "use-of-force", "high", 60, False),
    (40, "Discrimination or bias", "complaint", ["bias"], "", "bias", "high", 90, False),
]


def create_defaults(apps, schema_editor):
    Queue = apps.get_model("routing", "Queue")
    RoutingRule = apps.get_model("routing", "RoutingRule")
    queues = {}
    for slug, name, kind, confidential in QUEUES:
        queues[slug], _ = Queue.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "confidential": confidential}
        )
    for order, name, applies_to, categories, keywords, queue, priority, due_days, confidential in RULES:
        RoutingRule.objects.get_or_create(
            name=name,
            defaults={
                "order": order,
                "applies_to": applies_to,
                "categories": categories,
                "keywords": keywords,
                "queue": queues[queue],
                "priority": priority,
                "due_days": due_days,
                "confidential": confidential,
            },
        )
    RoutingRule.objects.get_or_create(
        is_catch_all=True,
        defaults={"name": "Everything else to BPS General", "order": 1000, "queue": queues["bps-general"]},
    )


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
