"""Routing several waiting submissions in one transaction (submission_route's `more`): the
same outcome as routing each alone, fewer statements, and nothing held up by one that fails."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import routing.services
from cases.models import Case
from commendations.models import Commendation
from directory.models import ServiceArea
from intake.models import Submission
from notices.models import Notice
from routing.models import RoutingRule
from routing.services import submission_route
from routing.tasks import route_submission
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
    submission_route(submission_id=together[0].pk, more=len(specs) - 1)
    assert [outcome(s) for s in together] == [outcome(s) for s in alone]
    assert not Submission.objects.filter(routing_state__in=WAITING).exists()


def test_a_batch_shares_the_rules_the_inserts_and_the_commit():
    member_of("bps-general", username="ivy")
    waiting = [complaint(submitter_email=f"r{n}@example.com").submission for n in range(8)]
    with CaptureQueriesContext(connection) as alone:
        submission_route(submission_id=waiting[0].pk)
    with CaptureQueriesContext(connection) as together:
        submission_route(submission_id=waiting[1].pk, more=6)
    # The six others add the query that takes them, and each its savepoint, its read of the
    # people named and the savepoint's release: the rules, the queue's members, the case,
    # notice and state writes and the commit are one statement for all seven.
    assert len(together) == len(alone) + 1 + 6 * 3
    assert Case.objects.count() == 8
    assert Notice.objects.count() == 16


def test_a_task_whose_submission_was_routed_beside_another_reads_once_and_locks_nothing():
    first, second = complaint().submission, complaint().submission
    submission_route(submission_id=first.pk, more=1)
    with CaptureQueriesContext(connection) as queries:
        submission_route(submission_id=second.pk, more=15)
    assert len(queries) == 1
    assert "FOR UPDATE" not in queries[0]["sql"]
    assert Case.objects.filter(submission=second).count() == 1


def test_quarantined_routed_and_earlier_submissions_are_not_taken():
    earlier, mine = complaint().submission, complaint().submission
    held = complaint().submission
    Submission.objects.filter(pk=held.pk).update(quarantined=True)
    done = routed_compliment().submission
    waiting = complaint().submission
    submission_route(submission_id=mine.pk, more=15)
    assert Case.objects.filter(submission__in=[mine, waiting]).count() == 2
    for left in (earlier, held):
        left.refresh_from_db()
        assert left.routing_state in WAITING
        assert not Case.objects.filter(submission=left).exists()
    assert Commendation.objects.filter(submission=done).count() == 1


def test_one_that_fails_is_left_to_its_own_task_and_holds_up_none_of_the_others(monkeypatch):
    first, broken, last = (complaint().submission for _ in range(3))
    original = routing.services.rule_for
    tried = []

    def rule_for(submission, **kwargs):
        tried.append(submission.pk)
        if submission.pk == broken.pk:
            raise RuntimeError("a rule this submission breaks")
        return original(submission, **kwargs)

    monkeypatch.setattr(routing.services, "rule_for", rule_for)
    submission_route(submission_id=first.pk, more=15)
    assert set(Case.objects.values_list("submission_id", flat=True)) == {first.pk, last.pk}
    broken.refresh_from_db()
    assert broken.routing_state == Submission.RoutingState.QUEUED
    assert not Notice.objects.filter(submission=broken).exists()
    # A later batch does not take it again: it came in before that batch's own submission.
    later, after = complaint().submission, complaint().submission
    tried.clear()
    submission_route(submission_id=later.pk, more=15)
    assert tried == [later.pk, after.pk]
    assert Case.objects.filter(submission__in=[later, after]).count() == 2
    monkeypatch.setattr(routing.services, "rule_for", original)
    submission_route(submission_id=broken.pk)  # its own task, delivered later
    assert Case.objects.filter(submission=broken).count() == 1


def test_the_first_delivery_takes_others_and_a_retry_routes_its_own_alone():
    first, second = complaint().submission, complaint().submission
    route_submission.push_request(retries=1)  # as the worker runs a retry
    try:
        route_submission(first.pk)
    finally:
        route_submission.pop_request()
    assert list(Case.objects.values_list("submission_id", flat=True)) == [first.pk]
    third = complaint().submission
    route_submission(second.pk)
    assert Case.objects.filter(submission__in=[second, third]).count() == 2


@pytest.mark.usefixtures("routing_defaults")
def test_a_submission_another_run_has_locked_is_skipped_not_waited_for():
    mine, locked, free = (complaint().submission for _ in range(3))
    with postgresql_beside() as other:
        other.execute("SELECT id FROM intake_submission WHERE id = %s FOR UPDATE", [locked.pk])
        submission_route(submission_id=mine.pk, more=15)
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
    submission_route(submission_id=waiting[0].pk, more=4)
    catch_all = RoutingRule.objects.get(is_catch_all=True).name
    assert [Case.objects.get(submission=s).rule_name for s in waiting] == [
        "Jennings",
        catch_all,
        "Airport",
        catch_all,
        "Jennings",
    ]
