"""Complaints and compliments with chosen dates, channels, people and outcomes, stored the way
intake and routing store them and then moved to the state case work leaves them in: for the
reports, early-intervention and retention tests."""

from datetime import datetime, timedelta

from django.utils import timezone

from cases.models import Allegation, Case
from commendations.models import Commendation
from directory.models import ServiceArea
from intake.services import EmployeeData, SubmissionData, submission_create
from routing.services import submission_route
from tests.factories import complaint


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def received_case(
    *,
    on: datetime,
    categories=("discourtesy",),
    channel: str = "web",
    employees=(),
    area: str | None = None,
    ended: str | None = None,
    days_to_close: float | None = None,
    due_days: int = 90,
    findings: dict[str, str] | None = None,
    narrative: str = "The officer shouted at me.",
    submitter_name: str = "",
) -> Case:
    """A routed complaint received `on`, optionally ended (closed/mediated/referred/merged)
    `days_to_close` days later, with allegations {category: finding}."""
    extra = {}
    if area:
        extra["service_area_id"] = ServiceArea.objects.get_or_create(
            name=area, defaults={"kind": ServiceArea.Kind.MUNICIPALITY}
        )[0].pk
    receipt = complaint(
        categories=list(categories),
        channel=channel,
        employees=[{"badge": badge} for badge in employees],
        narrative=narrative,
        submitter_name=submitter_name,
        **extra,
    )
    submission = receipt.submission
    submission_route(submission_id=submission.pk)
    type(submission).objects.filter(pk=submission.pk).update(received_at=on)
    case = Case.objects.get(submission=submission)
    changes = {"due_date": (on + timedelta(days=due_days)).date()}
    if ended:
        changes["status"] = ended
        changes["closed_at"] = on + timedelta(days=days_to_close or 0)
    Case.objects.filter(pk=case.pk).update(**changes)
    involved = list(submission.employees.all())
    for category, finding in (findings or {}).items():
        Allegation.objects.create(
            case=case,
            category=category,
            finding=finding,
            involved=involved[0] if involved else None,
        )
    case.refresh_from_db()
    return case


def commendation_received(
    *, on: datetime, badge: str | None = None, share: bool = False, text: str = "She helped me."
) -> Commendation:
    receipt = submission_create(
        data=SubmissionData(
            kind="compliment",
            narrative=text,
            employees=[EmployeeData(badge=badge) if badge else EmployeeData(name="Someone")],
            share_publicly=share,
        )
    )
    submission = receipt.submission
    submission_route(submission_id=submission.pk)
    type(submission).objects.filter(pk=submission.pk).update(received_at=on)
    commendation = Commendation.objects.get(submission=submission)
    if share:
        Commendation.objects.filter(pk=commendation.pk).update(shared_publicly=True)
    commendation.refresh_from_db()
    return commendation
