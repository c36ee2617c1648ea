"""Whatever a stranger sends to the public form or the partner API, the answer is a stored
submission or a clear error naming the field, never a server error. Hypothesis generates the
inputs: any Unicode text (lone surrogates, NUL, characters that grow under normalisation), any
JSON (wrong types, deep nesting, long lists)."""

import json
import unicodedata
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.api import partner_key_create
from intake.forms import ComplaintForm, EmployeeForm
from intake.models import Submission

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Characters that broke the portal before: U+FB2C becomes three characters under NFC, a lone
# surrogate cannot be encoded, NUL cannot be stored in PostgreSQL, U+0344 changes under NFC.
AWKWARD = ["\ufb2c", "\ud800", "\udfff", "\x00", "\u0344", "\u0301", "\u202e", "\r", "\n", " "]

awkward_text = st.one_of(
    # Near and over each field's limit, before and after normalisation.
    st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["\ufb2c", "\u0344", "a", "é"]),
        st.sampled_from([7, 14, 67, 100, 199, 201, 7000, 20001]),
    ),
    st.lists(st.sampled_from(AWKWARD) | st.characters(), max_size=40).map("".join),
    st.text(max_size=60),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | awkward_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(awkward_text, children, max_size=4)
    ),
    max_leaves=12,
)

TEXT_FIELDS = [
    "narrative",
    "submitter_name",
    "submitter_email",
    "submitter_phone",
    "submitter_address",
    "relationship",
    "other_person_contact",
    "location",
]
ROW_FIELDS = ["name", "badge", "car_number", "description"]
FIELDS = list(ComplaintForm.base_fields)


def _row():
    return st.dictionaries(
        st.sampled_from(ROW_FIELDS) | awkward_text,
        awkward_text | json_values,
        max_size=4,
    )


complaint_bodies = st.fixed_dictionaries(
    {"narrative": awkward_text, "declaration": st.just(True)},
    optional={
        **{
            name: awkward_text | json_values
            for name in FIELDS
            if name not in ("narrative", "declaration", "categories")
        },
        "categories": st.lists(
            st.sampled_from(["discourtesy", "bias", "other"]) | awkward_text, max_size=30
        )
        | json_values,
        "employees": st.lists(_row(), max_size=25) | json_values,
        "witnesses": st.lists(_row(), max_size=3) | json_values,
    },
) | st.dictionaries(awkward_text | st.sampled_from(FIELDS), json_values, max_size=5)


def _stored_as_sent(submission, body: dict) -> None:
    """Each text field sent as a string is stored as its normalised, trimmed self."""
    for name in TEXT_FIELDS:
        if isinstance(body.get(name), str):
            expected = unicodedata.normalize("NFC", body[name].strip())
            assert getattr(submission, name) == expected, name


@pytest.fixture
def key():
    return partner_key_create(name="Hostile partner")[1]


@HYPOTHESIS
@given(body=complaint_bodies)
def test_api_answers_any_json_with_a_receipt_or_a_clear_error(client, key, body):
    response = client.post(
        "/api/v1/complaints",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code in (201, 400), response.content[:300]
    answer = response.json()
    body = json.loads(json.dumps(body))  # as the server reads it: surrogate pairs combine
    if response.status_code == 400:
        assert answer["error"] and answer["errors"]
        for name in answer["errors"]:
            # The error names a field that was sent, or a required one that was not.
            assert name in body or name in ("narrative", "declaration"), name
        return
    submission = Submission.objects.get(tracking_number=answer["tracking_number"])
    _stored_as_sent(submission, body)
    assert isinstance(body["narrative"], str)
    assert submission.categories == list(dict.fromkeys(submission.categories))
    assert len(submission.categories) <= 8


FORM_FIELDS = [*TEXT_FIELDS, "service_area", "occurred_on", "occurred_time", "language"]


@HYPOTHESIS
@given(
    # One field at a time, so that each field's own faults are found, or several at once.
    text=st.sampled_from(FORM_FIELDS).flatmap(
        lambda name: st.dictionaries(st.just(name), awkward_text, min_size=1)
    )
    | st.fixed_dictionaries({}, optional=dict.fromkeys(FORM_FIELDS, awkward_text)),
    employee=st.fixed_dictionaries({}, optional=dict.fromkeys(ROW_FIELDS, awkward_text)),
    categories=st.lists(awkward_text | st.sampled_from(["bias", "bias"]), max_size=40),
    rows=st.sampled_from(["1", "0", "-3", "9999999999999999999999", "x"]),
)
def test_form_answers_any_text_with_a_receipt_or_the_error_summary(
    client, text, employee, categories, rows
):
    fields = {
        "idempotency_key": uuid.uuid4().hex,
        "narrative": "It happened at the corner.",
        "declaration": "on",
        "employees-TOTAL_FORMS": rows,
        "employees-INITIAL_FORMS": "0",
        "witnesses-TOTAL_FORMS": "1",
        "witnesses-INITIAL_FORMS": "0",
        **text,
        **{f"employees-0-{name}": value for name, value in employee.items()},
    }
    pairs = [*fields.items(), *(("categories", c) for c in categories)]
    # Sent as bytes a browser could send, lone surrogates included (as their UTF-8 bytes).
    body = "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'))}" for name, value in pairs
    )
    response = client.generic(
        "POST", "/complaint/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert 'class="error-summary"' in response.content.decode()
        return
    submission = Submission.objects.get(idempotency_key=fields["idempotency_key"])
    encodable = {
        k: v
        for k, v in text.items()
        if k in TEXT_FIELDS and "\ud800" not in v and "\udfff" not in v
    }
    _stored_as_sent(submission, encodable)
    assert submission.categories == list(dict.fromkeys(submission.categories))


@pytest.mark.parametrize(
    "field,value",
    [
        ("submitter_name", "\ufb2c" * 100),  # 100 characters sent, 300 once normalised
        ("narrative", "\ufb2c" * 7000),
        ("location", "\u0344" * 200),
    ],
)
def test_length_is_checked_after_normalisation(client, key, field, value):
    body = {"narrative": "It happened.", "declaration": True, field: value}
    response = client.post(
        "/api/v1/complaints",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 400
    assert "at most" in response.json()["errors"][field][0]


def test_wrong_json_types_are_refused_not_stored_as_text(client, key):
    for body, field in [
        ({"narrative": True, "declaration": True}, "narrative"),
        ({"narrative": "x", "declaration": "yes"}, "declaration"),
        ({"narrative": "x", "declaration": True, "submitter_phone": 3145550100}, "submitter_phone"),
        ({"narrative": "x", "declaration": True, "categories": "bias"}, "categories"),
        ({"narrative": "x", "declaration": True, "narativ": "typo"}, "narativ"),
        ({"narrative": "x", "declaration": True, "employees": [{"badge": 1003}]}, "employees"),
    ]:
        response = client.post(
            "/api/v1/complaints",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 400, body
        assert field in response.json()["errors"], body
    assert not Submission.objects.exists()


def test_deep_nesting_lone_surrogates_and_long_lists_are_400(client, key):
    deep = '{"narrative": ' + "[" * 100_000 + "]" * 100_000 + "}"
    surrogate = '{"narrative": "\\ud800", "declaration": true}'
    many = json.dumps({"narrative": "x", "declaration": True, "categories": ["bias"] * 200_000})
    rows = json.dumps({"narrative": "x", "declaration": True, "employees": [{"name": "A"}] * 21})
    for raw, field in [(deep, None), (surrogate, "narrative"), (many, "categories"),
                       (rows, "employees")]:  # fmt: skip
        response = client.post(
            "/api/v1/complaints",
            raw,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 400
        if field:
            assert field in response.json()["errors"]
    assert not Submission.objects.exists()


def test_errors_come_back_in_the_partners_language(client, key):
    response = client.post(
        "/api/v1/complaints",
        json.dumps({"narrative": True, "declaration": True}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.json()["errors"]["narrative"] != ["Send text (a JSON string)."]


def test_row_fields_the_form_does_not_have_are_named(client, key):
    body = {"narrative": "x", "declaration": True, "employees": [{"nam": "Ana"}]}
    response = client.post(
        "/api/v1/complaints",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.json()["errors"]["employees"]["0"]["nam"]
    assert "nam" not in EmployeeForm.base_fields
