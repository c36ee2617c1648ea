"""Moving Queue, the notices and the audit trail into their own rooms keeps every row: a
database filled at the schema before the move is migrated to the new one and read back through
the new models."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEvent
from cases.models import Case
from notices.models import DeliveryEvent, Notice, PaperLetter
from routing.models import RoutingRule
from staff.models import Queue

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [
    ("routing", "0004_paper_letters_and_delivery"),
    ("cases", "0004_case_list_order"),
    ("commendations", "0002_employee_and_closing_the_loop"),
    ("staff", None),
    ("notices", None),
    ("audit", None),
    # Rooms that came later and point at cases did not exist before the move.
    ("intervention", None),
    ("retention", None),
]


def migrate(targets):
    """Migrate to `targets` (other apps stay at their newest) and return the models as they
    are then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    named = {app for app, _name in targets}
    nodes = [node for node in targets if node[1] is not None]
    nodes += [node for node in executor.loader.graph.leaf_nodes() if node[0] not in named]
    return executor.loader.project_state(nodes).apps


def newest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def fill_at_the_old_schema(old):
    """What a running department has: a queue with a member, a case, a notice with a delivery
    event and a paper letter, and audit events under the old action names."""
    user = old.get_model("auth", "User").objects.create(username="ivy")
    unit = old.get_model("directory", "Unit").objects.create(code="north", name="North")
    employee = old.get_model("directory", "Employee").objects.create(
        dsn="7001", first_name="Ana", last_name="Morales", unit=unit
    )
    queue = old.get_model("routing", "Queue").objects.create(
        name="Moved queue", slug="moved-queue", confidential=True
    )
    queue.members.add(user)
    rule = old.get_model("routing", "RoutingRule").objects.create(
        name="Moved rule", order=5, queue=queue
    )
    submission = old.get_model("intake", "Submission").objects.create(
        kind="complaint",
        tracking_number="C-2026-999001",
        status_token_digest="d" * 64,
        narrative="Kept across the move.",
        submitter_email="resident@example.org",
        submitter_address="12 Elm St",
    )
    case = old.get_model("cases", "Case").objects.create(
        submission=submission, queue=queue, rule=rule, rule_name=rule.name, due_date=date.today()
    )
    notice = old.get_model("routing", "Notice").objects.create(
        submission=submission,
        kind="acknowledgement",
        recipient_email="resident@example.org",
        employee=employee,
        provider_message_id="msg-1",
        state="bounced",
    )
    old.get_model("routing", "DeliveryEvent").objects.create(
        notice=notice,
        event_id="evt-1",
        event_type="bounced",
        message_id="msg-1",
        occurred_at=notice.created_at,
    )
    old.get_model("routing", "PaperLetter").objects.create(
        notice=notice, submission=submission, address="12 Elm St"
    )
    AuditOld = old.get_model("cases", "AuditEvent")
    for action in ("case.note", "quarantine_released", "case.view"):
        AuditOld.objects.create(submission=submission, case=case, actor=user, action=action)
    return {"queue": queue.pk, "case": case.pk, "notice": notice.pk, "user": user.pk}


def test_a_database_filled_before_the_move_keeps_every_row_after_it():
    try:
        old = migrate(BEFORE_THE_MOVE)
        ids = fill_at_the_old_schema(old)
        migrate(newest())

        queue = Queue.objects.get(pk=ids["queue"])
        assert queue.confidential
        assert list(queue.members.values_list("username", flat=True)) == ["ivy"]
        assert RoutingRule.objects.get(name="Moved rule").queue == queue
        case = Case.objects.get(pk=ids["case"])
        assert case.queue == queue
        assert case.rule.name == "Moved rule"

        notice = Notice.objects.get(pk=ids["notice"])
        assert notice.submission == case.submission
        assert notice.employee.dsn == "7001"
        assert DeliveryEvent.objects.get(event_id="evt-1").notice == notice
        assert PaperLetter.objects.get(notice=notice).address == "12 Elm St"

        actions = list(AuditEvent.objects.filter(case=case).values_list("action", flat=True))
        assert actions == ["case.add_note", "quarantine.release", "case.view"]
        assert all(event.label for event in AuditEvent.objects.filter(case=case))

        # Admin history and permissions follow the models to their new rooms.
        assert ContentType.objects.filter(app_label="notices", model="notice").count() == 1
        assert not ContentType.objects.filter(app_label="routing", model="notice").exists()
    finally:
        # Leave the schema as the rest of the suite expects it, without the rows made here
        # (the append-only trail is emptied by TRUNCATE, which its trigger allows).
        call_command("flush", verbosity=0, interactive=False)
        migrate(newest())


def test_the_move_can_be_undone_without_losing_rows():
    try:
        old = migrate(BEFORE_THE_MOVE)
        ids = fill_at_the_old_schema(old)
        migrate(newest())
        old = migrate(BEFORE_THE_MOVE)
        assert old.get_model("routing", "Notice").objects.filter(pk=ids["notice"]).exists()
        actions = set(old.get_model("cases", "AuditEvent").objects.values_list("action", flat=True))
        assert actions == {"case.note", "quarantine_released", "case.view"}
    finally:
        call_command("flush", verbosity=0, interactive=False)
        migrate(newest())
