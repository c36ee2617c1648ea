import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from cases import workflow
from tests.cases.test_workflow import use_of_force_case

pytestmark = pytest.mark.django_db


def test_the_audit_trail_cannot_be_edited_or_deleted(commander):
    case = use_of_force_case()
    workflow.case_triage(case=case, version=case.version, actor=commander)
    event = AuditEvent.objects.get(case=case, action="case.triage")
    event.action = "something else"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_bulk_changes_to_the_audit_trail_are_refused(commander):
    case = use_of_force_case()
    workflow.case_triage(case=case, version=case.version, actor=commander)
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(case=case).update(action="x")
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(case=case).delete()


def test_the_database_refuses_to_change_the_audit_trail(commander):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    case = use_of_force_case()
    workflow.case_triage(case=case, version=case.version, actor=commander)
    for statement in ("UPDATE cases_auditevent SET action = 'x'", "DELETE FROM cases_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
