import re

import factory
from django.contrib.auth import get_user_model

from commendations.models import Commendation
from directory.models import Employee, Unit
from intake.services import EmployeeData, SubmissionData, submission_create
from routing.services import submission_route
from staff.models import Queue


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Precinct {n}")


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    dsn = factory.Sequence(lambda n: f"{7000 + n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    rank = "Officer"
    unit = factory.SubFactory(UnitFactory)
    email = factory.LazyAttribute(lambda e: f"{e.dsn}@police.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@bps.police.example")
    password = factory.django.Password("correct horse battery staple")


def member_of(queue_slug: str, **kwargs):
    """A staff user who belongs to the queue with this slug."""
    user = UserFactory(**kwargs)
    Queue.objects.get(slug=queue_slug).members.add(user)
    return user


def complaint(**overrides):
    """Store a complaint through the intake service, as the public form does."""
    return _stored("complaint", "The officer shouted at me and took my phone.", overrides)


def compliment(**overrides):
    """Store a compliment through the intake service, as the public form does."""
    return _stored("compliment", "Officer Morales changed my tyre in the rain.", overrides)


def routed_compliment(**overrides) -> Commendation:
    """Store a compliment as the public form does and route it: its commendation."""
    receipt = compliment(**overrides)
    submission_route(submission_id=receipt.submission.pk)
    return Commendation.objects.get(submission=receipt.submission)


def _stored(kind: str, narrative: str, overrides: dict):
    employees = overrides.pop("employees", [])
    data = SubmissionData(
        kind=kind,
        narrative=overrides.pop("narrative", narrative),
        employees=[EmployeeData(**e) for e in employees],
        **overrides,
    )
    return submission_create(data=data)


def form_key(client, url: str = "/complaint/") -> str:
    """The idempotency key a public form page hands out, as a browser would post it back."""
    page = client.get(url).content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


def complaint_post(**overrides) -> dict:
    """What the complaint page posts when a resident fills the required parts; a field given
    as None is left out."""
    data = {
        "idempotency_key": overrides.pop("idempotency_key", "a" * 32),
        "narrative": "The officer shouted at me and took my phone.",
        "declaration": "on",
        "employees-TOTAL_FORMS": "1",
        "employees-INITIAL_FORMS": "0",
        "witnesses-TOTAL_FORMS": "1",
        "witnesses-INITIAL_FORMS": "0",
        "language": "en",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def compliment_post(**overrides) -> dict:
    data = {
        "idempotency_key": overrides.pop("idempotency_key", "b" * 32),
        "narrative": "She changed my tyre in the rain.",
        "employees-TOTAL_FORMS": "1",
        "employees-INITIAL_FORMS": "0",
        "employees-0-name": "Ana Morales",
        "language": "en",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
