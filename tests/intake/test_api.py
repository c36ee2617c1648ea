import json

import pytest

from intake.api import partner_key_create
from intake.models import PartnerApiKey, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return partner_key_create(name="City of Jennings 311")[1]


def post(client, path, body, key=None, **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, payload, content_type="application/json", **headers)


COMPLAINT = {
    "narrative": "The officer shouted at me.",
    "declaration": True,
    "categories": ["discourtesy"],
    "occurred_on": "2026-11-20",
    "language": "es",
    "employees": [{"name": "Ana Morales", "badge": "1003"}],
    "witnesses": [{"name": "Sam", "contact": "314-555-0100"}],
}


def test_partner_files_a_complaint_and_gets_a_tracking_number(client, key):
    response = post(client, "/api/v1/complaints", COMPLAINT, key)
    assert response.status_code == 201
    body = response.json()
    submission = Submission.objects.get()
    assert body["tracking_number"] == submission.tracking_number
    assert "/status/" in body["status_url"]
    assert submission.channel == Submission.Channel.API
    assert submission.language == "es"
    assert submission.employees.get().badge == "1003"
    assert submission.witnesses.get().name == "Sam"


def test_partner_files_a_compliment(client, key):
    body = {"narrative": "Kind and patient.", "employees": [{"description": "Sgt at the desk"}]}
    response = post(client, "/api/v1/compliments", body, key)
    assert response.status_code == 201
    assert response.json()["tracking_number"].startswith("K-")


def test_only_a_digest_of_the_key_is_stored(key):
    partner = PartnerApiKey.objects.get()
    assert key not in (partner.digest, partner.prefix) and len(partner.digest) == 64


def test_missing_or_wrong_key_is_refused(client, key):
    assert post(client, "/api/v1/complaints", COMPLAINT).status_code == 401
    assert post(client, "/api/v1/complaints", COMPLAINT, key + "x").status_code == 401
    PartnerApiKey.objects.update(active=False)
    assert post(client, "/api/v1/complaints", COMPLAINT, key).status_code == 401
    assert Submission.objects.count() == 0


def test_same_idempotency_key_stores_once(client, key):
    first = post(client, "/api/v1/complaints", COMPLAINT, key, HTTP_IDEMPOTENCY_KEY="311-88231")
    again = post(client, "/api/v1/complaints", COMPLAINT, key, HTTP_IDEMPOTENCY_KEY="311-88231")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Submission.objects.count() == 1


def test_same_idempotency_key_from_two_partners_stores_two(client, key):
    other = partner_key_create(name="Kiosk")[1]
    post(client, "/api/v1/complaints", COMPLAINT, key, HTTP_IDEMPOTENCY_KEY="1")
    post(client, "/api/v1/complaints", COMPLAINT, other, HTTP_IDEMPOTENCY_KEY="1")
    assert Submission.objects.count() == 2


def test_same_validation_as_the_form_with_json_errors(client, key):
    body = {**COMPLAINT, "narrative": "", "declaration": False}
    body["employees"] = [{"badge": "9" * 30}]
    response = post(client, "/api/v1/complaints", body, key)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["narrative"] == ["Tell us what happened."]
    assert "declaration" in errors
    assert "at most 20 characters" in errors["employees"]["0"]["badge"][0]


def test_wrong_types_are_refused_clearly(client, key):
    body = {**COMPLAINT, "narrative": {"text": "x"}, "employees": "Ana"}
    response = post(client, "/api/v1/complaints", body, key)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "narrative" in errors and "employees" in errors


def test_body_that_is_not_json_or_not_an_object(client, key):
    assert post(client, "/api/v1/complaints", "{nope", key).status_code == 400
    assert post(client, "/api/v1/complaints", "[1, 2]", key).status_code == 400
    response = client.post(
        "/api/v1/complaints",
        "narrative=x",
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 415


def test_scripts_are_stored_as_text(client, key):
    body = {**COMPLAINT, "narrative": "<script>alert(1)</script>"}
    post(client, "/api/v1/complaints", body, key)
    assert Submission.objects.get().narrative == "<script>alert(1)</script>"


def test_api_never_uses_cookies_for_auth(client, key):
    response = client.get("/api/v1/complaints", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 405


def test_body_over_the_upload_limit_is_refused(client, key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = {**COMPLAINT, "narrative": "x" * 500}
    assert post(client, "/api/v1/complaints", body, key).status_code == 413
    assert Submission.objects.count() == 0


def test_same_idempotency_key_with_a_different_body_is_422_and_stores_nothing_more(client, key):
    first = post(client, "/api/v1/complaints", COMPLAINT, key, HTTP_IDEMPOTENCY_KEY="311-7")
    edited = {**COMPLAINT, "narrative": "The officer shouted at me twice."}
    again = post(client, "/api/v1/complaints", edited, key, HTTP_IDEMPOTENCY_KEY="311-7")
    assert (first.status_code, again.status_code) == (201, 422)
    assert "Idempotency-Key" in again.json()["errors"]
    assert Submission.objects.get().narrative == COMPLAINT["narrative"]
    # The first content still gets its receipt, whatever order its fields come in.
    reordered = dict(reversed(list(COMPLAINT.items())))
    replay = post(client, "/api/v1/complaints", reordered, key, HTTP_IDEMPOTENCY_KEY="311-7")
    assert replay.status_code == 200 and replay.json() == first.json()
