"""Demo data for `make run`: service areas, the sample roster, and one staff account per role.
Idempotent: running it again changes nothing that is already there."""

import base64
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory.models import ServiceArea, Unit
from directory.services import roster_import
from staff import roles
from staff.models import Queue

DEMO_PASSWORD = "candor-demo-2026"  # noqa: S105 - demo accounts of a local run, printed on start
# Every demo account's authenticator key (hex for django-otp; DEMO_TOTP_SECRET is the same key
# in base32, as an authenticator app takes it). `manage.py staff_otp_code <username>` prints
# the current code.
DEMO_TOTP_KEY = b"candor-demo-totp-key".hex()
DEMO_TOTP_SECRET = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
DEMO_ROSTER = Path(settings.BASE_DIR) / "directory" / "fixtures" / "demo_roster.csv"

SERVICE_AREAS = [
    ("Unincorporated St. Louis County", ServiceArea.Kind.COUNTY, None),
    ("City of Jennings", ServiceArea.Kind.MUNICIPALITY, "jennings"),
    ("City of Wildwood", ServiceArea.Kind.MUNICIPALITY, "wildwood"),
    ("Village of Grantwood", ServiceArea.Kind.MUNICIPALITY, "south-county"),
    ("City of Pasadena Hills", ServiceArea.Kind.MUNICIPALITY, "north-county"),
    ("Village of Velda Village Hills", ServiceArea.Kind.MUNICIPALITY, "north-county"),
    ("Village of Champ", ServiceArea.Kind.MUNICIPALITY, "north-county"),
    ("City of Hanley Hills", ServiceArea.Kind.MUNICIPALITY, "central-county"),
    ("Riverview Gardens School District", ServiceArea.Kind.SCHOOL_DISTRICT, "north-county"),
    ("MetroLink (transit)", ServiceArea.Kind.OTHER, "central-county"),
]

# username, first, last, role, queues (slugs; "*bps" = every BPS queue)
STAFF = [
    ("intake", "Irene", "Intake", roles.INTAKE_COORDINATOR, ["*bps"]),
    (
        "investigator",
        "Victor",
        "Investigator",
        roles.INVESTIGATOR,
        ["bps-general", "use-of-force", "bias"],
    ),
    ("integrity", "Ines", "Integrity", roles.INVESTIGATOR, ["public-integrity"]),
    ("commander", "Carla", "Commander", roles.BPS_COMMANDER, ["*bps"]),
    ("chief", "Charles", "Chiefsoffice", roles.CHIEFS_OFFICE, ["chiefs-office"]),
    ("auditor", "Audrey", "Auditor", roles.AUDITOR, []),
    ("admin", "Adam", "Administrator", roles.ADMINISTRATOR, []),
]


def demo_seed() -> dict[str, int]:
    """Load the demo data; returns counts of what is there afterwards."""
    roster_import(path=DEMO_ROSTER)
    units = {unit.code: unit for unit in Unit.objects.all()}
    for name, kind, unit_code in SERVICE_AREAS:
        ServiceArea.objects.get_or_create(
            name=name, defaults={"kind": kind, "unit": units.get(unit_code)}
        )
    for role in roles.ROLES:
        Group.objects.get_or_create(name=role)

    User = get_user_model()
    bps_queues = list(Queue.objects.filter(kind=Queue.Kind.BPS))
    for username, first, last, role, queue_slugs in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@bps.police.example",
                "is_staff": role == roles.ADMINISTRATOR,
                "is_superuser": role == roles.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        TOTPDevice.objects.get_or_create(
            user=user,
            name="demo",
            defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
        )
        for slug in queue_slugs:
            for queue in bps_queues if slug == "*bps" else Queue.objects.filter(slug=slug):
                queue.members.add(user)
    return {
        "employees": units and sum(u.employees.count() for u in units.values()),
        "staff": len(STAFF),
    }


def statistics_gather() -> None:
    """The planner's statistics of the tables that hold rows, gathered now, as PostgreSQL's
    manual advises after a bulk load (the seed's, the benchmark's warm-up), not left to
    autovacuum's next pass (nor to none, where it is turned off). Without them the planner
    guesses how many rows a list of ids matches: the routing's read of the employees a batch
    names scanned their whole table where the index finds the few. A table left empty is not
    analyzed: one analyzed empty is taken for tiny, and a plan kept for it while it is small
    (a scan of the whole table) stays as it grows."""
    filled = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._default_manager.exists()
    ]
    with connection.cursor() as cursor:
        for table in filled:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
