"""The emails to one person about one submission arrive in the order they were decided, even
when the provider fails on the first one or two workers race: two status emails once went out
in reverse order, because each notice was sent on its own and a retried or slower one was
overtaken by the next."""

import pytest

from cases import workflow
from cases.models import Case
from notices.models import Notice
from ops.models import CapturedEmail, CaptureFault
from staff import roles
from tests.cases.conftest import routed_complaint
from tests.staff import staff_member

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]


def test_status_emails_reach_the_complainant_in_order_when_the_first_send_fails(live_worker):
    investigator = staff_member(roles.INVESTIGATOR, "use-of-force")
    coordinator = staff_member(roles.INTAKE_COORDINATOR, "use-of-force")
    case = Case.objects.get(
        submission=routed_complaint(categories=["use_of_force"], submitter_email="dana@example.com")
    )
    # The provider fails once: the first status email waits for its retry.
    CaptureFault.objects.create(remaining=1, status_code=503)
    case = workflow.case_triage(case=case, version=case.version, actor=coordinator)
    case = workflow.case_assign(
        case=case, version=case.version, actor=investigator, assignee=investigator
    )
    case = workflow.case_open(case=case, version=case.version, actor=investigator)

    to_dana = CapturedEmail.objects.filter(to=["dana@example.com"]).order_by("id")
    wait_for(
        lambda: (
            not Notice.objects.filter(
                submission=case.submission, recipient_email="dana@example.com", state="queued"
            ).exists()
        ),
        what="every email to the complainant sent",
    )
    subjects_in_order = [
        notice.kind + ":" + notice.occasion.split("-")[0]
        for notice in Notice.objects.filter(
            submission=case.submission, recipient_email="dana@example.com"
        ).order_by("sent_at")
    ]
    decided = [
        notice.kind + ":" + notice.occasion.split("-")[0]
        for notice in Notice.objects.filter(
            submission=case.submission, recipient_email="dana@example.com"
        ).order_by("created_at", "id")
    ]
    assert subjects_in_order == decided
    sent_ids = [int(email.metadata["notice_id"]) for email in to_dana]
    assert sent_ids == sorted(sent_ids)
