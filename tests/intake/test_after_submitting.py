import re

import pytest

from intake.models import Message, Submission
from tests.factories import complaint, complaint_post

pytestmark = pytest.mark.django_db


def test_confirmation_page_shows_number_status_link_and_next_steps(client):
    response = client.post("/complaint/", complaint_post())
    page = client.get(response["Location"]).content.decode()
    submission = Submission.objects.get()
    assert submission.tracking_number in page
    assert 'id="status-link"' in page
    assert "What happens next" in page
    assert "we cannot contact you" in page  # anonymous: the link is the only way back
    assert response["Location"].startswith("/received/")


def test_status_page_shows_the_public_stage_and_next_step_only():
    receipt = complaint(submitter_name="Private Person", submitter_email="p@example.org")
    Submission.objects.filter(pk=receipt.submission.pk).update(
        public_stage="under_investigation", next_step_due="2027-01-15"
    )
    from django.test import Client

    page = Client().get(f"/status/{receipt.status_token}/").content.decode()
    assert "Under investigation" in page
    assert "2027" in page
    assert "Private Person" not in page and "p@example.org" not in page
    assert receipt.submission.narrative not in page


def test_unknown_token_looks_exactly_like_a_missing_page(client):
    complaint()
    wrong_path = "/status/" + "0" * 40 + "/"
    wrong = client.get(wrong_path)
    missing = client.get("/no-such-page/")
    assert wrong.status_code == missing.status_code == 404

    # Identical but for the page's own address, which the language switcher returns to, and
    # the CSRF token, which is masked afresh on every page.
    def same(content: bytes) -> bytes:
        content = content.replace(wrong_path.encode(), b"/no-such-page/")
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)

    assert same(wrong.content) == same(missing.content)


def test_status_pages_are_never_cached(client):
    receipt = complaint()
    response = client.get(f"/status/{receipt.status_token}/")
    assert "no-store" in response["Cache-Control"]


def test_submitter_can_write_to_staff_on_the_status_link(client):
    receipt = complaint()
    url = f"/status/{receipt.status_token}/"
    response = client.post(url, {"body": "The car number was 4417. <b>sorry</b>"})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.author == Message.Author.SUBMITTER
    page = client.get(url).content.decode()
    assert "The car number was 4417. &lt;b&gt;sorry&lt;/b&gt;" in page


def test_staff_reply_shows_on_the_status_page_without_naming_anyone(client):
    receipt = complaint()
    Message.objects.create(
        submission=receipt.submission, author=Message.Author.STAFF, body="Which day was it?"
    )
    page = client.get(f"/status/{receipt.status_token}/").content.decode()
    assert "Which day was it?" in page and "Professional Standards" in page


def test_empty_message_gets_the_error_summary(client):
    receipt = complaint()
    page = client.post(f"/status/{receipt.status_token}/", {"body": ""}).content.decode()
    assert 'id="error-summary"' in page and "Write your message before sending it." in page
    assert Message.objects.count() == 0
