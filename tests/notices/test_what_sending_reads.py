"""Sending reads the notice and three fields of its submission in one query; every email's
templates must make do with them (another field would cost a query per email)."""

import pytest

from notices.models import Notice
from notices.services import _FOR_SENDING, notice_queue, notice_render
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
    loaded = Notice.objects.select_related("submission").only(*_FOR_SENDING).get(pk=notice.pk)
    with django_assert_num_queries(0):
        message = notice_render(loaded)
    assert submission.tracking_number in message.subject + message.body
