"""A row by a unique column in SQL of its own reads what the ORM reads, and rows written by id
change what the ORM's update changes; the area field built on the first accepts exactly the
areas there are, as Django's model choice field did."""

from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.models import ServiceArea
from intake.forms import AreaField
from ops.rowsql import row_by_unique, rows_update
from tests.factories import UnitFactory
from tests.strategies import ACCOUNT_FIELDS, EMPLOYEE_ROWS

pytestmark = pytest.mark.django_db

NAMES = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=30
) | st.sampled_from(["City of Jennings", "city of jennings", "City of Jennings ", "%", "_"])


@pytest.fixture
def areas():
    unit = UnitFactory()
    return [
        ServiceArea.objects.create(name="City of Jennings", kind="municipality", unit=unit),
        ServiceArea.objects.create(name="Ünïcödé Schools", kind="school_district"),
    ]


def _djangos(value):
    """What Django's own model choice field makes of the value."""
    field = forms.ModelChoiceField(queryset=ServiceArea.objects.all(), to_field_name="name")
    try:
        return field.clean(value)
    except ValidationError:
        return None


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=NAMES, existing=st.booleans())
def test_the_area_field_accepts_exactly_the_areas_django_would(areas, name, existing):
    value = areas[len(name) % 2].name if existing else name
    field = AreaField(queryset=ServiceArea.objects.all(), to_field_name="name", required=False)
    expected = _djangos(value)
    try:
        area = field.clean(value)
    except ValidationError as error:
        assert expected is None, value
        assert error.code == "invalid_choice"
        return
    assert expected is not None, value
    assert (area.pk, area.name, area.kind, area.unit_id) == (
        expected.pk,
        expected.name,
        expected.kind,
        expected.unit_id,
    )
    assert area == expected and not area._state.adding


def test_an_empty_choice_is_none_and_an_area_object_is_looked_up_again(areas):
    field = AreaField(queryset=ServiceArea.objects.all(), to_field_name="name", required=False)
    assert field.clean("") is None
    assert field.clean(areas[0]) == areas[0]
    gone = ServiceArea(pk=areas[1].pk, name=areas[1].name)
    areas[1].delete()
    with pytest.raises(ValidationError):
        field.clean(gone)


def test_a_row_by_a_unique_column_is_what_the_orm_reads(areas):
    for area in areas:
        assert row_by_unique(ServiceArea, "name", area.name, "id", "kind", "unit_id") == (
            ServiceArea.objects.filter(name=area.name).values_list("id", "kind", "unit_id").get()
        )
    assert row_by_unique(ServiceArea, "name", "Nowhere", "id") is None
    assert row_by_unique(ServiceArea, "id", areas[0].pk, "name") == ("City of Jennings",)


STATES = st.sampled_from(["queued", "sending", "sent", "unknown", "failed"])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    states=st.lists(STATES, min_size=1, max_size=5),
    chosen=st.lists(st.booleans(), min_size=5, max_size=5),
    among=st.lists(STATES, max_size=3),
    message_id=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20),
)
def test_rows_written_by_id_change_what_the_orms_update_changes(
    notices, states, chosen, among, message_id
):
    from django.utils import timezone

    from notices.models import Notice

    rows = notices[: len(states)]
    for notice, state in zip(rows, states, strict=True):
        Notice.objects.filter(pk=notice.pk).update(state=state, provider_message_id="")
    pks = [notice.pk for notice, pick in zip(rows, chosen, strict=False) if pick]
    now = timezone.now()
    values = {"state": "sent", "provider_message_id": message_id, "sent_at": now}
    expected = Notice.objects.filter(pk__in=pks, state__in=among).count() if pks else 0
    changed = rows_update(Notice, pks, values, state=among)
    assert changed == expected
    before = {notice.pk: state for notice, state in zip(rows, states, strict=True)}
    for notice in Notice.objects.filter(pk__in=before):
        written = notice.pk in pks and before[notice.pk] in among
        assert notice.state == ("sent" if written else before[notice.pk])
        assert (notice.sent_at == now) is written
        assert notice.provider_message_id == (message_id if written else "")


@pytest.fixture
def notices(db):
    """Five notices about one complaint: its acknowledgement, and four more like it."""
    from notices.models import Notice
    from tests.cases.conftest import routed_complaint

    submission = routed_complaint(
        categories=["use_of_force"], submitter_email="resident@example.org"
    )
    first = Notice.objects.filter(submission=submission).order_by("pk").first()
    found = [first]
    for n in range(4):
        copy = Notice.objects.get(pk=first.pk)
        copy.pk, copy.recipient_email = None, f"other{n}@example.org"
        copy.save()
        found.append(copy)
    return found


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    accounts=st.lists(
        st.fixed_dictionaries({**ACCOUNT_FIELDS, "in_area": st.booleans()}),
        min_size=1,
        max_size=3,
    ),
    people=EMPLOYEE_ROWS,
)
def test_rows_inserted_are_the_rows_the_orms_insert_makes(areas, accounts, people):
    from intake.models import InvolvedEmployee, Submission
    from ops.rowsql import rows_insert

    def made(how: str) -> list[int]:
        submissions = [
            Submission(
                kind="complaint",
                tracking_number=f"C-{how}-{n}",
                idempotency_key=f"{how}{n}",
                status_token_digest=f"{how}{n}",
                service_area=areas[0] if account["in_area"] else None,
                **{k: v for k, v in account.items() if k != "in_area"},
            )
            for n, account in enumerate(accounts)
        ]
        if how == "ours":
            rows_insert(submissions)
        else:
            Submission.objects.bulk_create(submissions)
        employees = [InvolvedEmployee(submission=submissions[0], **person) for person in people]
        if how == "ours":
            rows_insert(employees)
        else:
            InvolvedEmployee.objects.bulk_create(employees)
        assert all(obj.pk and not obj._state.adding for obj in submissions + employees)
        return [submission.pk for submission in submissions]

    def read(pks: list[int]) -> list:
        rows = []
        for pk in pks:
            submission = Submission.objects.values().get(pk=pk)
            for name in (
                "id",
                "tracking_number",
                "idempotency_key",
                "status_token_digest",
                "received_at",
            ):
                submission.pop(name)
            employees = list(
                InvolvedEmployee.objects.filter(submission_id=pk).values().order_by("pk")
            )
            for employee in employees:
                del employee["id"], employee["submission_id"]
            rows.append((submission, employees))
        return rows

    with transaction.atomic():
        assert read(made("ours")) == read(made("django"))
        transaction.set_rollback(True)  # the next example starts without these rows


def test_rows_that_would_break_a_unique_constraint_are_left_out_when_asked(notices):
    from notices.models import Notice
    from ops.rowsql import rows_insert

    first = notices[0]
    again = Notice(
        submission_id=first.submission_id,
        kind=first.kind,
        occasion=first.occasion,
        recipient_email=first.recipient_email,
        context={"said": "again"},
    )
    new = [
        Notice(submission_id=first.submission_id, kind=first.kind, recipient_email=f"n{n}@x.org")
        for n in range(2)
    ]
    before = Notice.objects.count()
    rows_insert([new[0], again, new[1]], ignore_conflicts=True)
    assert Notice.objects.count() == before + 2
    assert Notice.objects.get(pk=first.pk).context == first.context
    assert set(
        Notice.objects.filter(recipient_email__in=["n0@x.org", "n1@x.org"]).values_list(
            "recipient_email", flat=True
        )
    ) == {"n0@x.org", "n1@x.org"}
    assert all(notice.pk is None for notice in (new[0], again, new[1]))


def test_new_rows_get_the_time_of_their_insert_as_saving_would_give_it(notices):
    """auto_now_add and auto_now: one moment for the rows of one insert, the time of the call,
    on the instances and in the rows; a time given beforehand is overwritten, as save() does."""
    from notices.models import Notice
    from ops.rowsql import rows_insert

    first = notices[0]
    long_ago = timezone.now() - timedelta(days=400)
    new = [
        Notice(
            submission_id=first.submission_id,
            kind=first.kind,
            recipient_email=f"t{n}@x.org",
            created_at=long_ago,
            updated_at=long_ago,
        )
        for n in range(3)
    ]
    before = timezone.now()
    rows_insert(new)
    after = timezone.now()
    stored = Notice.objects.filter(pk__in=[notice.pk for notice in new])
    times = {(notice.created_at, notice.updated_at) for notice in new}
    assert {(row.created_at, row.updated_at) for row in stored} == times
    ((created, updated),) = times
    assert before <= created == updated <= after
