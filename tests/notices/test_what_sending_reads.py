"""Sending reads the notice and three fields of its submission in one query; every email's
templates must make do with them (another field would cost a query per email). The notice
read is the notice as stored."""

import pytest

from intake.models import Submission
from notices.models import Notice
from notices.services import _for_sending, notice_queue, notice_render
from tests.factories import complaint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", Notice.Kind.values)
@pytest.mark.parametrize("language", ["en", "es", "bs"])
def test_every_email_renders_from_what_sending_reads(kind, language, django_assert_num_queries):
    submission = complaint(submitter_email="dana@example.com").submission
    notice = notice_queue(
        submission=submission,
        kind=kind,
        recipient_email="someone@example.com",
        recipient_name="Someone",
        language=language,
        occasion="test",
        context={"queue": "BPS General", "status_url": "https://example.org/status/x/"},
    )
    with django_assert_num_queries(1):
        ((loaded, waits),) = _for_sending([notice.pk])
    stored = Notice.objects.get(pk=notice.pk)
    for field in Notice._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(stored, field.attname), field.name
    assert waits is False
    read = loaded.submission
    assert (read.pk, read.tracking_number, read.kind, read.narrative) == (
        submission.pk,
        submission.tracking_number,
        submission.kind,
        submission.narrative,
    )
    with django_assert_num_queries(0):
        message = notice_render(loaded)
    assert submission.tracking_number in message.subject + message.body
    assert loaded.submission.get_deferred_fields() == {
        field.attname
        for field in Submission._meta.concrete_fields
        if field.name not in ("id", "tracking_number", "kind", "narrative")
    }
