"""The drain a new submission wakes (routing.services.waiting_route): every submission waiting,
several to a transaction, with the same outcome as routing each alone, fewer statements, and
nothing held up by one that fails; and the wake-up (intake.outbox), one drain for a backlog."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import routing.services
from cases.models import Case
from commendations.models import Commendation
from directory.models import ServiceArea
from intake import outbox
from intake.models import InvolvedEmployee, Submission
from notices.models import Notice
from ops import counters
from routing.models import RoutingRule
from routing.services import (
    ROUTE_BATCH,
    ROUTE_LINGER_SECONDS,
    submission_route,
    sweep,
    waiting_route,
)
from staff.models import Queue
from tests.factories import (
    EmployeeFactory,
    UnitFactory,
    complaint,
    compliment,
    member_of,
    routed_compliment,
)
from tests.services import postgresql_beside

pytestmark = pytest.mark.django_db

WAITING = [Submission.RoutingState.PENDING, Submission.RoutingState.QUEUED]


def outcome(submission: Submission) -> tuple:
    """What routing decided for a submission, with nothing that tells two copies apart."""
    submission.refresh_from_db()
    record = (
        Case.objects.filter(submission=submission).first()
        or Commendation.objects.filter(submission=submission).first()
    )
    assert record is not None, f"{submission.tracking_number} was not routed"
    case_only = (
        (record.priority, record.confidential, record.due_date) if isinstance(record, Case) else ()
    )
    return (
        type(record).__name__,
        record.queue.slug,
        record.rule_name,
        *case_only,
        getattr(record, "employee_id", None),
        submission.routing_state,
        submission.next_step_due,
        [(p.match_state, p.employee_id) for p in submission.employees.all()],
        sorted(
            (n.kind, n.recipient_email, n.occasion)
            for n in Notice.objects.filter(submission=submission)
        ),
    )


SPEC = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["complaint", "compliment"]),
        "categories": st.lists(
            st.sampled_from(["use_of_force", "bias", "discourtesy", "criminal_misconduct"]),
            max_size=2,
            unique=True,
        ),
        "narrative": st.sampled_from(
            ["He shouted at me.", "He asked me for a bribe.", "She changed my tyre."]
        ),
        "badge": st.sampled_from(["", "5001", "5002", "9999"]),
        "email": st.sampled_from(["", "resident@example.com"]),
    }
)


def store(spec: dict) -> Submission:
    stored = complaint if spec["kind"] == "complaint" else compliment
    return stored(
        narrative=spec["narrative"],
        submitter_email=spec["email"],
        categories=spec["categories"] if spec["kind"] == "complaint" else [],
        employees=[{"badge": spec["badge"]}] if spec["badge"] else [],
    ).submission


@pytest.fixture
def roster(db):
    member_of("bps-general", username="ivy")
    member_of("chiefs-office", username="chief")
    supervisor = EmployeeFactory(dsn="5000")
    EmployeeFactory(dsn="5001", supervisor=supervisor)
    EmployeeFactory(dsn="5002", supervisor=supervisor)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(SPEC, min_size=1, max_size=6))
def test_routing_together_decides_what_routing_each_alone_decides(roster, specs):
    alone = [store(spec) for spec in specs]
    for submission in alone:
        submission_route(submission_id=submission.pk)
    together = [store(spec) for spec in specs]
    assert waiting_route() == len(specs)
    assert [outcome(s) for s in together] == [outcome(s) for s in alone]
    assert not Submission.objects.filter(routing_state__in=WAITING).exists()


def test_a_batch_shares_the_rules_the_inserts_and_the_commit(roster):
    waiting = [
        complaint(
            submitter_email=f"r{n}@example.com",
            employees=[{"badge": f"#500{n % 3}"}, {"badge": "9999"}],
        ).submission
        for n in range(8)
    ]
    with CaptureQueriesContext(connection) as alone:
        submission_route(submission_id=waiting[0].pk)
    with CaptureQueriesContext(connection) as together:
        assert waiting_route() == 7
    # The read that takes the seven replaces the one that locks a submission alone (a batch
    # smaller than ROUTE_BATCH ends the drain: the next reads again later). The people named
    # and their badge numbers, the rules, the queue's members, the case, notice and state
    # writes and the commit are one statement for all seven, and no submission has a
    # savepoint of its own. The roster matches are one for each outcome: alone, its officer
    # and nobody found; the seven, three officers and nobody found.
    assert len(together) == len(alone) + (4 - 2)
    people = InvolvedEmployee.objects.filter(submission__in=waiting).order_by("submission_id", "pk")
    assert [(p.employee.dsn if p.employee else None, p.match_state) for p in people] == [
        (f"500{n % 3}", "matched") if first else (None, "not_found")
        for n in range(8)
        for first in (True, False)
    ]
    assert Case.objects.count() == 8
    assert Notice.objects.count() == 16


def test_compliments_are_written_together_however_many_name_an_officer(roster):
    def waiting(count: int) -> list[Submission]:
        return [
            compliment(
                submitter_email=f"c{count}-{n}@example.com",
                employees=[{"badge": f"500{1 + n % 2}"}],
            ).submission
            for n in range(count)
        ]

    three = waiting(3)
    with CaptureQueriesContext(connection) as of_three:
        assert waiting_route() == 3
    six = waiting(6)
    with CaptureQueriesContext(connection) as of_six:
        assert waiting_route() == 6
    # Each commendation names its officer (a confident match by badge) and goes to them and
    # their supervisor: the commendations in one INSERT, their notices with the
    # acknowledgements and the alerts in another, whatever the number.
    assert len(of_six) == len(of_three)
    for submission in three + six:
        commendation = Commendation.objects.get(submission=submission)
        assert commendation.status == Commendation.Status.EMPLOYEE_CONFIRMED
        assert commendation.employee is not None
        assert commendation.employee.dsn == submission.employees.get().badge
        kinds = sorted(Notice.objects.filter(submission=submission).values_list("kind", flat=True))
        assert kinds == sorted(
            [
                Notice.Kind.ACKNOWLEDGEMENT,
                Notice.Kind.QUEUE_ALERT,
                Notice.Kind.COMMENDATION_EMPLOYEE,
                Notice.Kind.COMMENDATION_SUPERVISOR,
            ]
        )


def test_a_drain_that_finds_nothing_waiting_reads_twice_and_writes_nothing():
    routed_compliment()
    with CaptureQueriesContext(connection) as queries:
        assert waiting_route() == 0
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]  # the test's
    assert len(statements) == 2  # before and after it lowers the flag
    assert all(statement.startswith("SELECT") for statement in statements)


def test_quarantined_routed_and_dispatched_again_are_not_taken():
    held = complaint().submission
    Submission.objects.filter(pk=held.pk).update(quarantined=True)
    done = routed_compliment().submission
    again = complaint().submission
    Submission.objects.filter(pk=again.pk).update(routing_attempts=2)  # the sweeper's
    first, second = complaint().submission, complaint().submission
    assert waiting_route() == 2
    assert Case.objects.filter(submission__in=[first, second]).count() == 2
    for left in (held, again):
        left.refresh_from_db()
        assert left.routing_state in WAITING
        assert not Case.objects.filter(submission=left).exists()
    assert Commendation.objects.filter(submission=done).count() == 1


def _break_in_python():
    raise RuntimeError("a rule this submission breaks")


def _break_in_the_database():
    # An error from the database leaves the transaction aborted: the batch must start anew.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM a_table_nobody_made")


@pytest.mark.parametrize("breaks", [_break_in_python, _break_in_the_database])
def test_one_that_fails_goes_to_a_task_of_its_own_and_holds_up_none_of_the_others(
    monkeypatch, breaks
):
    first, broken, last = (complaint().submission for _ in range(3))
    original = routing.services.rule_for
    tried = []

    def rule_for(submission, **kwargs):
        tried.append(submission.pk)
        if submission.pk == broken.pk:
            breaks()
        return original(submission, **kwargs)

    monkeypatch.setattr(routing.services, "rule_for", rule_for)
    published = publishes(monkeypatch)
    assert waiting_route() == 2
    assert set(Case.objects.values_list("submission_id", flat=True)) == {first.pk, last.pk}
    assert published == [LATER, (outbox.ROUTE_TASK, [broken.pk], 0)]
    broken.refresh_from_db()
    assert (broken.routing_state, broken.routing_attempts) == (Submission.RoutingState.QUEUED, 2)
    assert not Notice.objects.filter(submission=broken).exists()
    # A later drain leaves it to its task.
    later = complaint().submission
    tried.clear()
    assert waiting_route() == 1
    assert tried == [later.pk]
    monkeypatch.setattr(routing.services, "rule_for", original)
    submission_route(submission_id=broken.pk)  # its own task, delivered later
    assert Case.objects.filter(submission=broken).count() == 1


def test_a_task_of_its_own_routes_its_submission_alone():
    first, second = complaint().submission, complaint().submission
    submission_route(submission_id=first.pk)
    assert list(Case.objects.values_list("submission_id", flat=True)) == [first.pk]
    second.refresh_from_db()
    assert second.routing_state in WAITING


def test_a_drain_whose_time_is_up_wakes_the_next_for_the_rest(monkeypatch):
    waiting = [complaint().submission for _ in range(ROUTE_BATCH + 3)]
    published = publishes(monkeypatch)
    assert waiting_route(seconds=0) == ROUTE_BATCH
    assert published == [NOW]  # a full batch: the next reads at once
    assert waiting_route() == 3
    assert Case.objects.filter(submission__in=waiting).count() == len(waiting)


@pytest.mark.usefixtures("routing_defaults")
def test_a_submission_another_run_has_locked_is_skipped_not_waited_for():
    mine, locked, free = (complaint().submission for _ in range(3))
    with postgresql_beside() as other:
        other.execute("SELECT id FROM intake_submission WHERE id = %s FOR UPDATE", [locked.pk])
        assert waiting_route() == 2
    assert set(Case.objects.values_list("submission_id", flat=True)) == {mine.pk, free.pk}


def test_rules_on_the_place_and_the_unit_decide_each_submission_of_a_batch_on_its_own():
    special = Queue.objects.create(name="Special", slug="special")
    area = ServiceArea.objects.create(name="City of Jennings", kind="municipality")
    unit = UnitFactory(code="airport")
    EmployeeFactory(dsn="9001", unit=unit)
    EmployeeFactory(dsn="9002")
    by_place = RoutingRule.objects.create(name="Jennings", order=1, queue=special)
    by_place.service_areas.add(area)
    by_unit = RoutingRule.objects.create(name="Airport", order=2, queue=special)
    by_unit.units.add(unit)
    waiting = [
        complaint(service_area_id=area.pk).submission,
        complaint().submission,
        complaint(employees=[{"badge": "9001"}]).submission,
        complaint(employees=[{"badge": "9002"}]).submission,
        complaint(service_area_id=area.pk).submission,
    ]
    assert waiting_route() == 5
    catch_all = RoutingRule.objects.get(is_catch_all=True).name
    assert [Case.objects.get(submission=s).rule_name for s in waiting] == [
        "Jennings",
        catch_all,
        "Airport",
        catch_all,
        "Jennings",
    ]


# --- The wake-up -------------------------------------------------------------------------


# A drain published at once, and one published to read again once the next have gathered.
NOW = (outbox.DRAIN_TASK, [], 0)
LATER = (outbox.DRAIN_TASK, [], ROUTE_LINGER_SECONDS)


def publishes(monkeypatch, *, broker_up: bool = True) -> list[tuple[str, list, float]]:
    """What intake.outbox hands to the broker from now on: (task, args, countdown)."""
    published: list[tuple[str, list, float]] = []

    def publish(task, *, args, what, countdown=0):
        published.append((task, args, countdown))
        return broker_up

    monkeypatch.setattr(outbox, "_publish", publish)
    return published


def test_a_backlog_wakes_one_drain_and_a_chain_of_drains_routes_it(monkeypatch):
    published = publishes(monkeypatch)
    stored = [complaint().submission for _ in range(3)]
    for submission in stored:
        assert outbox.routing_publish(submission_id=submission.pk)
    assert published == [NOW]
    assert waiting_route() == 3
    # Fewer than a batch: the next drain reads again once more have gathered, and the flag
    # stays up for it meanwhile.
    assert published == [NOW, LATER]
    later = complaint().submission
    assert outbox.routing_publish(submission_id=later.pk)
    assert published == [NOW, LATER]
    assert waiting_route() == 1
    assert published == [NOW, LATER, LATER]
    assert waiting_route() == 0  # nothing left: the chain ends, and lowers the flag
    assert outbox.routing_publish(submission_id=complaint().submission.pk)
    assert published == [NOW, LATER, LATER, NOW]


def test_one_stored_as_the_chain_ends_is_found_by_its_last_look(monkeypatch):
    published = publishes(monkeypatch)
    first = complaint().submission
    assert outbox.routing_publish(submission_id=first.pk)
    assert waiting_route() == 1
    late: list[Submission] = []
    original = routing.services.routing_woken

    def routing_woken():
        if not late:  # after its read found nothing left, before it lowers the flag
            late.append(complaint().submission)
            assert outbox.routing_publish(submission_id=late[0].pk)  # the flag is up
        original()

    monkeypatch.setattr(routing.services, "routing_woken", routing_woken)
    assert waiting_route() == 1
    assert Case.objects.filter(submission__in=[first, *late]).count() == 2
    assert published == [NOW, LATER, LATER]


def test_a_drain_the_broker_refuses_leaves_the_submission_pending_and_the_next_tries_again(
    monkeypatch,
):
    published = publishes(monkeypatch, broker_up=False)
    first, second = complaint().submission, complaint().submission
    assert not outbox.routing_publish(submission_id=first.pk)
    assert not outbox.routing_publish(submission_id=second.pk)
    assert published == [NOW, NOW]
    for submission in (first, second):
        submission.refresh_from_db()
        assert submission.routing_state == Submission.RoutingState.PENDING
        assert submission.routing_dispatched_at is None


def test_with_the_shared_cache_unreachable_every_submission_wakes_a_drain(monkeypatch, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.SharedRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(counters, "_outage", counters._Outage())
    published = publishes(monkeypatch)
    for _ in range(3):
        assert outbox.routing_publish(submission_id=complaint().submission.pk)
    assert published == [NOW] * 3


def test_the_sweeper_wakes_a_drain_for_a_submission_left_waiting_whatever_the_flag(monkeypatch):
    published = publishes(monkeypatch)
    waiting = complaint().submission
    assert outbox.routing_publish(submission_id=waiting.pk)  # its drain, lost with the broker
    published.clear()
    assert sweep(older_than=timedelta(0)) == {"submissions": 0, "notices": 0, "unknown": 0}
    assert published == [NOW]
    assert waiting_route() == 1
    published.clear()
    sweep(older_than=timedelta(0))
    assert published == []
