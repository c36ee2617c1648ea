"""Early-intervention thresholds and flags: who meets a threshold, one flag per employee,
threshold and window whatever runs twice, and a flag worked through its states with a note,
all in the audit trail."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from cases.models import Case
from intervention.models import Flag, InterventionRule
from intervention.services import flag_state_change, flags_raise
from intervention.tasks import raise_flags
from ops.calendar import months_after, months_before
from ops.refusals import Refused
from tests.factories import EmployeeFactory, UnitFactory
from tests.history import at, received_case

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _only_these_rules(db):
    InterventionRule.objects.all().delete()


@pytest.fixture
def officers(db):
    north = UnitFactory(code="north", name="North County Precinct")
    return {dsn: EmployeeFactory(dsn=dsn, unit=north) for dsn in ["5101", "5102", "5103", "5104"]}


def rule(**fields) -> InterventionRule:
    fields.setdefault("name", f"rule {InterventionRule.objects.count()}")
    fields.setdefault("months", 12)
    return InterventionRule.objects.create(**fields)


def complaints(badge: str, *days_ago: int, **kwargs) -> list[Case]:
    return [
        received_case(
            on=at(*(TODAY - timedelta(days=d)).timetuple()[:3]), employees=[badge], **kwargs
        )
        for d in days_ago
    ]


def test_months_are_counted_on_the_calendar():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 6, 15), 12) == date(2025, 6, 15)
    assert months_after(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_n_complaints_within_m_months_raise_one_flag(officers):
    three = rule(kind="complaints", threshold=3)
    counted = complaints("5101", 10, 100, 300)
    complaints("5101", 400)  # older than 12 months: not counted
    complaints("5102", 5, 6)  # two: under the threshold
    raised = flags_raise(today=TODAY)
    assert raised.flags == 1
    flag = Flag.objects.get()
    assert (flag.employee.dsn, flag.rule, flag.count) == ("5101", three, 3)
    assert flag.window_start == TODAY - timedelta(days=300)
    assert flag.window_end == months_after(flag.window_start, 12)
    assert set(flag.cases.all()) == set(counted)
    assert flag.state == Flag.State.NEW
    event = AuditEvent.objects.get(action=AuditAction.FLAG_RAISE)
    assert event.employee == officers["5101"] and event.submission is None


def test_running_again_raises_nothing_more(officers):
    rule(kind="complaints", threshold=2)
    complaints("5101", 10, 20, 30)
    assert flags_raise(today=TODAY).flags == 1
    assert flags_raise(today=TODAY).flags == 0
    assert flags_raise(today=TODAY + timedelta(days=40)).flags == 0  # the same window
    assert raise_flags()["flags"] == 0  # the beat task, today
    assert Flag.objects.count() == 1


def test_the_database_holds_one_flag_per_employee_rule_and_window(officers):
    two = rule(kind="complaints", threshold=2)
    complaints("5101", 10, 20)
    flag = flags_raise(today=TODAY) and Flag.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(
            employee=flag.employee,
            rule=two,
            window_start=flag.window_start,
            window_end=flag.window_end,
            count=9,
        )


def test_a_new_flag_needs_complaints_after_the_last_window(officers):
    rule(kind="complaints", threshold=2, months=3)
    complaints("5101", 200, 190)  # window from 200 days ago, three months long
    assert flags_raise(today=TODAY - timedelta(days=185)).flags == 1
    complaints("5101", 50)  # one more after the window: not enough on its own
    assert flags_raise(today=TODAY).flags == 0
    complaints("5101", 40)
    assert flags_raise(today=TODAY).flags == 1
    assert Flag.objects.count() == 2


def test_allegations_of_one_category_count_recorded_or_chosen(officers):
    force = rule(kind="category", threshold=2, category="use_of_force")
    # One recorded allegation of force, one complaint choosing force not yet investigated, one
    # complaint about discourtesy: two count.
    received_case(
        on=at(2026, 5, 1),
        employees=["5101"],
        categories=["discourtesy"],
        findings={"use_of_force": "sustained"},
    )
    received_case(on=at(2026, 5, 2), employees=["5101"], categories=["use_of_force"])
    received_case(on=at(2026, 5, 3), employees=["5101"], categories=["discourtesy"])
    received_case(on=at(2026, 5, 3), employees=["5102"], categories=["use_of_force"])
    flags_raise(today=TODAY)
    flag = Flag.objects.get()
    assert (flag.employee.dsn, flag.rule, flag.count) == ("5101", force, 2)
    assert flag.basis["category"] == "use_of_force"


def test_the_peer_comparison_looks_at_the_units_average(officers):
    peer = rule(kind="peer", threshold=3, peer_factor=2)
    # 5101: 6 complaints; 5102: 2; 5103 and 5104: none. The unit's average is 2 per employee;
    # 6 is at least twice that, 2 is not (and is under the minimum of 3).
    complaints("5101", 1, 2, 3, 4, 5, 6)
    complaints("5102", 7, 8)
    flags_raise(today=TODAY)
    flag = Flag.objects.get()
    assert (flag.employee.dsn, flag.rule) == ("5101", peer)
    assert flag.basis["unit_average"] == 2.0


def test_merged_and_referred_complaints_do_not_count_but_confidential_ones_do(officers):
    rule(kind="complaints", threshold=2)
    complaints("5101", 10, ended=Case.Status.MERGED, days_to_close=1)
    complaints("5101", 11, ended=Case.Status.REFERRED, days_to_close=1)
    complaints("5101", 12)
    assert flags_raise(today=TODAY).flags == 0
    secret = complaints("5101", 13, categories=["criminal_misconduct"])[0]
    assert secret.confidential
    assert flags_raise(today=TODAY).flags == 1


def test_a_switched_off_threshold_raises_nothing(officers):
    rule(kind="complaints", threshold=1, active=False)
    complaints("5101", 10)
    assert flags_raise(today=TODAY).flags == 0


@pytest.fixture
def flag(officers):
    rule(kind="complaints", threshold=1)
    complaints("5101", 10)
    flags_raise(today=TODAY)
    return Flag.objects.get()


def test_a_flag_moves_through_its_states_with_a_note_each_time(flag, commander):
    flag = flag_state_change(
        flag=flag,
        version=flag.version,
        state="under_review",
        note="Reading the cases.",
        actor=commander,
        client="10.0.0.9",
    )
    flag = flag_state_change(
        flag=flag,
        version=flag.version,
        state="intervention",
        note="Training on de-escalation.",
        actor=commander,
    )
    flag = flag_state_change(
        flag=flag, version=flag.version, state="resolved", note="Training done.", actor=commander
    )
    assert flag.state == Flag.State.RESOLVED
    assert [(n.from_state, n.to_state, n.note) for n in flag.notes.all()] == [
        ("new", "under_review", "Reading the cases."),
        ("under_review", "intervention", "Training on de-escalation."),
        ("intervention", "resolved", "Training done."),
    ]
    trail = AuditEvent.objects.filter(action=AuditAction.FLAG_CHANGE_STATE).order_by("id")
    assert [e.detail["to"] for e in trail] == ["under_review", "intervention", "resolved"]
    assert trail[0].actor == commander and trail[0].ip_address == "10.0.0.9"
    assert trail[0].employee == flag.employee


@pytest.mark.parametrize(
    ("state", "note", "message"),
    [
        ("resolved", "Done.", "cannot move to that state"),  # new → resolved is not a step
        ("under_review", "   ", "Write a note"),
    ],
)
def test_a_change_that_is_not_allowed_is_refused_and_changes_nothing(
    flag, commander, state, note, message
):
    with pytest.raises(Refused, match=message):
        flag_state_change(flag=flag, version=flag.version, state=state, note=note, actor=commander)
    flag.refresh_from_db()
    assert flag.state == Flag.State.NEW and not flag.notes.exists()


def test_a_stale_flag_is_refused(flag, commander):
    flag_state_change(
        flag=flag, version=flag.version, state="under_review", note="Mine.", actor=commander
    )
    with pytest.raises(Refused) as refused:
        flag_state_change(
            flag=flag, version=1, state="not_warranted", note="Theirs.", actor=commander
        )
    assert refused.value.conflict


def test_flags_are_raised_at_the_window_of_today(officers):
    rule(kind="complaints", threshold=1)
    received_case(on=timezone.now() - timedelta(days=2), employees=["5101"])
    assert raise_flags() == {"flags": 1, "rules": 1}
