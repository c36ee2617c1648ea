import re

import pytest

from intake.models import Submission
from tests.factories import compliment_post

pytestmark = pytest.mark.django_db


def test_compliment_is_stored_with_the_employee_and_permission_to_share(client):
    post = compliment_post(
        share_publicly="on",
        submitter_email="grateful@example.org",
        occurred_on="2026-10-02",
        location="I-270 at Lindbergh",
    )
    response = client.post("/compliment/", post)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert re.fullmatch(r"K-\d{4}-\d{6}", submission.tracking_number)
    assert submission.kind == Submission.Kind.COMPLIMENT
    assert submission.share_publicly
    assert submission.employees.get().name == "Ana Morales"


def test_compliment_needs_someone_to_compliment(client):
    post = compliment_post(**{"employees-0-name": ""})
    page = client.post("/compliment/", post).content.decode()
    assert "Tell us who you want to compliment" in page
    assert 'href="#employees-fieldset"' in page
    assert Submission.objects.count() == 0


def test_compliment_needs_what_they_did(client):
    page = client.post("/compliment/", compliment_post(narrative="")).content.decode()
    assert "Tell us what the employee did." in page
