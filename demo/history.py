"""Generated history for `make run` and the report benchmark: complaints and compliments over
the past two years (and a few older ones), worked to the states routing and case work leave
them in, so that the reports, the transparency page, the early-intervention flags and the
retention schedule have something to show.

Written in bulk (no notices, no audit events: nothing here happened for real). Tracking numbers
are taken from 700000 up in each year, far above what the intake counter reaches, and every
generated submission carries an idempotency key starting with `demo-history-`, which is how a
second run knows there is nothing to do."""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Allegation, Case, Finding
from commendations.models import Commendation
from directory.models import Employee, ServiceArea
from intake.models import AllegationCategory, InvolvedEmployee, Submission, Witness
from intake.tracking import status_token_digest
from staff.models import Queue

KEY_PREFIX = "demo-history-"
FIRST_NUMBER = 700_000
BATCH = 2_000

CHANNELS = [("web", 60), ("api", 10), ("phone", 12), ("email", 8), ("letter", 5), ("in_person", 5)]
CATEGORIES = [
    ("discourtesy", 30),
    ("improper_stop", 20),
    ("use_of_force", 15),
    ("neglect_of_duty", 12),
    ("bias", 8),
    ("property", 6),
    ("other", 6),
    ("criminal_misconduct", 3),
]
FINDINGS = [
    (Finding.SUSTAINED, 15),
    (Finding.NOT_SUSTAINED, 30),
    (Finding.EXONERATED, 15),
    (Finding.UNFOUNDED, 25),
    (Finding.POLICY_FAILURE, 5),
    (Finding.WITHDRAWN, 5),
    (Finding.ADMIN_CLOSED, 5),
]
QUEUE_FOR = {
    "use_of_force": "use-of-force",
    "bias": "bias",
    "criminal_misconduct": "public-integrity",
}
FIRST_NAMES = ["Alicia", "Marcus", "Dana", "Luis", "Amra", "Keisha", "Tom", "Mirela", "Jamal"]
LAST_NAMES = ["Turner", "Gomez", "Hodžić", "Baker", "Nguyen", "Price", "Salkić", "Young", "Reyes"]
COMPLAINTS = [
    "The officer was rude to me during a traffic stop on {place} and would not give a name.",
    "I was searched outside a store on {place} without being told why.",
    "The officer pushed my son against the car at {place} although he was not resisting.",
    "Nobody came for two hours after I called about a break-in on {place}.",
    "My phone was taken at {place} and never given back.",
]
COMPLIMENTS = [
    "The officer changed my tyre in the rain on {place} and made sure I got home.",
    "She found my lost dog near {place} and brought him back the same night.",
    "He calmed a frightening situation at {place} with patience and kindness.",
]
PLACES = ["Florissant Road", "Lucas and Hunt", "Natural Bridge", "Manchester Road", "Lemay Ferry"]


@dataclass
class Generated:
    complaints: int = 0
    compliments: int = 0


def demo_history_seed(*, count: int = 360) -> Generated:
    """Generate the history once; a second run finds it and does nothing."""
    if Submission.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return Generated()
    return demo_history_create(count=count)


def demo_history_create(*, count: int, seed: int = 2026, now: datetime | None = None) -> Generated:
    """`count` submissions (about four complaints in five) received over the past two years,
    one in twenty of them three to six years ago; in batches, each in one transaction."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    now = now or timezone.now()
    employees = list(Employee.objects.filter(active=True).select_related("unit"))
    if not employees:
        raise ValueError("load the demo roster first (demo_seed)")
    # A few employees draw far more complaints than the rest, as in any department.
    weights = [12 if n % 9 == 2 else 1 for n in range(len(employees))]
    areas = list(ServiceArea.objects.all()) + [None] * 3
    queues = {q.slug: q for q in Queue.objects.all()}
    generated = Generated()
    numbers: dict[tuple[str, int], int] = {}
    for start in range(0, count, BATCH):
        with transaction.atomic():
            _batch(
                rng,
                now=now,
                size=min(BATCH, count - start),
                employees=employees,
                weights=weights,
                areas=areas,
                queues=queues,
                numbers=numbers,
                generated=generated,
            )
    return generated


def _pick(rng: random.Random, choices: list[tuple]):
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def _number(numbers: dict[tuple[str, int], int], letter: str, year: int) -> str:
    numbers[(letter, year)] = numbers.get((letter, year), FIRST_NUMBER - 1) + 1
    return f"{letter}-{year}-{numbers[(letter, year)]:06d}"


def _batch(rng, *, now, size, employees, weights, areas, queues, numbers, generated) -> None:
    submissions, people, witnesses = [], [], []
    for _ in range(size):
        complaint = rng.random() < 0.8
        days = rng.uniform(3 * 365, 6 * 365) if rng.random() < 0.05 else rng.uniform(0, 730)
        received = now - timedelta(days=days)
        place = rng.choice(PLACES)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        key = KEY_PREFIX + uuid.UUID(int=rng.getrandbits(128)).hex
        anonymous = rng.random() < 0.2
        submission = Submission(
            kind=Submission.Kind.COMPLAINT if complaint else Submission.Kind.COMPLIMENT,
            tracking_number=_number(numbers, "C" if complaint else "K", received.year),
            status_token_digest=status_token_digest(key),
            idempotency_key=key,
            channel=_pick(rng, CHANNELS) if complaint else "web",
            language=rng.choice(["en", "en", "en", "es", "bs"]),
            received_at=received,
            routing_state=Submission.RoutingState.DONE,
            routed_at=received + timedelta(seconds=2),
            submitter_name="" if anonymous else f"{first} {last}",
            submitter_email="" if anonymous else f"{first}.{last}@example.org".lower(),
            submitter_phone="" if anonymous else f"314-555-{rng.randrange(10000):04d}",
            submitter_address=""
            if anonymous or rng.random() < 0.7
            else f"{rng.randrange(100, 9999)} {place}, St. Louis County, MO",
            occurred_on=(received - timedelta(days=rng.randrange(0, 5))).date(),
            location=place,
            service_area=rng.choice(areas),
            narrative=rng.choice(COMPLAINTS if complaint else COMPLIMENTS).format(place=place),
            categories=sorted({_pick(rng, CATEGORIES) for _ in range(rng.choice([1, 1, 2]))})
            if complaint
            else [],
            share_publicly=not complaint and rng.random() < 0.5,
            declaration=complaint,
        )
        submissions.append(submission)
    Submission.objects.bulk_create(submissions)

    cases, commendations = [], []
    for submission in submissions:
        employee = rng.choices(employees, weights=weights)[0] if rng.random() < 0.85 else None
        people.append(
            InvolvedEmployee(
                submission=submission,
                name=employee.full_name if employee else "Officer with a moustache",
                badge=employee.dsn if employee else "",
                employee=employee,
                match_state=InvolvedEmployee.MatchState.MATCHED
                if employee
                else InvolvedEmployee.MatchState.NOT_FOUND,
                match_confidence=1.0 if employee else None,
            )
        )
        if submission.kind == Submission.Kind.COMPLIMENT:
            commendations.append(_commendation(rng, submission, employee, queues, now))
            generated.compliments += 1
            continue
        if rng.random() < 0.3:
            witnesses.append(
                Witness(
                    submission=submission,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    contact=f"314-555-{rng.randrange(10000):04d}",
                )
            )
        cases.append(_case(rng, submission, queues, now))
        generated.complaints += 1
    InvolvedEmployee.objects.bulk_create(people)
    Witness.objects.bulk_create(witnesses)
    Case.objects.bulk_create(cases)
    Commendation.objects.bulk_create(commendations)
    _allegations(rng, cases, {p.submission_id: p for p in people})
    Submission.objects.bulk_update(submissions, ["public_stage", "public_outcome"])


def _case(rng, submission: Submission, queues, now) -> Case:
    categories = submission.categories
    queue = queues[next((QUEUE_FOR[c] for c in categories if c in QUEUE_FOR), "bps-general")]
    age = (now - submission.received_at).days
    due = submission.received_at + timedelta(days=60 if queue.slug == "use-of-force" else 90)
    took = min(rng.lognormvariate(3.8, 0.6), 400)  # days: a median near 45
    ended = age > took
    status = Case.Status.CLOSED
    if ended:
        status = _pick(
            rng,
            [(Case.Status.CLOSED, 82), (Case.Status.MEDIATED, 10), (Case.Status.REFERRED, 8)],
        )
    else:
        status = rng.choice(
            [Case.Status.RECEIVED, Case.Status.TRIAGE, Case.Status.ASSIGNED]
            + [Case.Status.INVESTIGATING] * 3
            + [Case.Status.FINDINGS_SUBMITTED]
        )
    submission.public_stage = (
        Submission.PublicStage.CLOSED if ended else Submission.PublicStage.UNDER_INVESTIGATION
    )
    return Case(
        submission=submission,
        queue=queue,
        rule_name="Demo history",
        status=status,
        confidential=queue.confidential,
        due_date=due.date(),
        opened_at=submission.received_at + timedelta(days=3) if age > 3 else None,
        closed_at=submission.received_at + timedelta(days=took) if ended else None,
    )


def _allegations(rng, cases: list[Case], people: dict[int, InvolvedEmployee]) -> None:
    allegations = []
    for case in cases:
        if case.status in (Case.Status.RECEIVED, Case.Status.TRIAGE, Case.Status.REFERRED):
            continue
        findings = []
        for category in case.submission.categories or [AllegationCategory.OTHER]:
            finding = _pick(rng, FINDINGS) if case.status == Case.Status.CLOSED else ""
            findings.append(finding)
            allegations.append(
                Allegation(
                    case=case,
                    category=category,
                    involved=people[case.submission_id],
                    finding=finding,
                )
            )
        if case.status == Case.Status.CLOSED:
            case.submission.public_outcome = ", ".join(
                str(Finding(f).label) for f in sorted(set(findings))
            )
    Allegation.objects.bulk_create(allegations)


def _commendation(rng, submission: Submission, employee, queues, now) -> Commendation:
    old = (now - submission.received_at).days > 14
    return Commendation(
        submission=submission,
        queue=queues["chiefs-office"],
        rule_name="Demo history",
        employee=employee,
        status=Commendation.Status.CLOSED if employee and old else Commendation.Status.RECEIVED,
        shared_publicly=submission.share_publicly and employee is not None and rng.random() < 0.6,
        citizen_told_at=submission.received_at + timedelta(days=10) if old else None,
    )
