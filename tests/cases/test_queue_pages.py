import pytest
from django.urls import reverse

from routing.services import submission_route
from tests.factories import UserFactory, complaint, member_of

pytestmark = pytest.mark.django_db


def routed_complaint(**kwargs):
    receipt = complaint(**kwargs)
    submission_route(submission_id=receipt.submission.pk)
    return receipt.submission


def test_staff_pages_need_a_login(client):
    response = client.get(reverse("cases:queues"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff-login"))


def test_investigator_sees_a_new_case_in_their_queue(client):
    investigator = member_of("use-of-force", username="vic")
    submission = routed_complaint(categories=["use_of_force"])
    client.force_login(investigator)

    overview = client.get(reverse("cases:queues"))
    assert "Use of Force" in overview.content.decode()
    page = client.get(reverse("cases:queue", args=["use-of-force"]))
    assert page.status_code == 200
    assert submission.tracking_number in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_queue_you_are_not_a_member_of_answers_404(client):
    routed_complaint(categories=["criminal_misconduct"])
    client.force_login(UserFactory())
    assert client.get(reverse("cases:queue", args=["public-integrity"])).status_code == 404
    assert client.get(reverse("cases:queue", args=["no-such-queue"])).status_code == 404


def test_queue_page_query_count_does_not_grow_with_cases(client, django_assert_max_num_queries):
    investigator = member_of("bps-general", username="ivy")
    client.force_login(investigator)
    routed_complaint()
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("cases:queue", args=["bps-general"]))
    for _ in range(15):
        routed_complaint()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:queue", args=["bps-general"]))
    assert response.content.decode().count("C-20") == 16
