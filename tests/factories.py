import factory
from django.contrib.auth import get_user_model

from directory.models import Employee, Unit
from intake.services import EmployeeData, SubmissionData, submission_create
from routing.models import Queue


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
    employees = overrides.pop("employees", [])
    data = SubmissionData(
        kind="complaint",
        narrative=overrides.pop("narrative", "The officer shouted at me and took my phone."),
        employees=[EmployeeData(**e) for e in employees],
        **overrides,
    )
    return submission_create(data=data)
