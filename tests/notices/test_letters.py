import pytest
from django.urls import reverse

from notices.models import Notice, PaperLetter
from routing.services import submission_route
from tests.factories import UserFactory, complaint, member_of
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def test_letters_to_post_are_shown_to_the_queue_that_holds_the_case(client):
    submission = complaint(
        submitter_email="x@example.com", submitter_address="12 Elm St"
    ).submission
    submission_route(submission_id=submission.pk)
    notice = Notice.objects.get(kind="acknowledgement")
    letter = PaperLetter.objects.create(notice=notice, submission=submission, address="12 Elm St")
    sign_in(client, UserFactory())
    assert client.get(reverse("notices:letter", args=[letter.pk])).status_code == 404
    sign_in(client, member_of("bps-general", username="ivy"))
    assert submission.tracking_number in client.get(reverse("notices:letters")).content.decode()
    page = client.get(reverse("notices:letter", args=[letter.pk])).content.decode()
    assert "12 Elm St" in page
    assert submission.tracking_number in page
    client.post(reverse("notices:letter-posted", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.state == PaperLetter.State.POSTED


def test_letters_list_query_count_does_not_grow_with_letters(client, django_assert_max_num_queries):
    sign_in(client, member_of("bps-general", username="ivy"))

    def bounced_letter(n):
        submission = complaint(
            submitter_email=f"r{n}@example.com", submitter_address=f"{n} Elm St"
        ).submission
        submission_route(submission_id=submission.pk)
        notice = Notice.objects.get(submission=submission, kind="acknowledgement")
        PaperLetter.objects.create(notice=notice, submission=submission, address=f"{n} Elm St")

    bounced_letter(0)
    # The staff menu asks once which kinds of queue the person belongs to.
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("notices:letters"))
    for n in range(1, 10):
        bounced_letter(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notices:letters"))
    assert response.content.decode().count("C-20") == 10
