"""The case list's one FilterSet: search by what a resident remembers (a car number, a badge, a
name), the CSV export of the filtered list, and any query string answered without widening
what a person sees."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.filters import SORTS, CaseFilter
from cases.models import Case
from intake.models import AllegationCategory
from tests.factories import EmployeeFactory

from .conftest import routed_complaint, sign_in

pytestmark = pytest.mark.django_db


def listed(client, **params) -> set[str]:
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return {case.submission.tracking_number for case in response.context["page"]}


def exported(client, **params) -> list[dict]:
    response = client.get(reverse("cases:list-export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def morales(db):
    return EmployeeFactory(dsn="1003", first_name="Ana", last_name="Morales", car_number="417")


def test_a_car_number_finds_the_case_whether_typed_by_the_resident_or_known_to_the_roster(
    client, investigator, morales
):
    typed = routed_complaint(employees=[{"car_number": "2291", "description": "tall"}])
    rostered = routed_complaint(employees=[{"badge": "1003"}])
    other = routed_complaint(employees=[{"name": "Someone Else"}])
    sign_in(client, investigator)
    assert listed(client, q="2291") == {typed.tracking_number}
    assert listed(client, q="417") == {rostered.tracking_number}
    assert other.tracking_number in listed(client)


def test_a_badge_and_a_roster_name_find_the_case(client, investigator, morales):
    by_badge = routed_complaint(employees=[{"badge": "1003"}])
    by_name = routed_complaint(employees=[{"name": "the officer with the red hair"}])
    sign_in(client, investigator)
    assert listed(client, q="1003") == {by_badge.tracking_number}
    # The roster's first and last name, in either order and any case, find the badge-only one.
    assert listed(client, q="Ana Morales") == {by_badge.tracking_number}
    assert listed(client, q="morales ana") == {by_badge.tracking_number}
    assert listed(client, q="red hair") == {by_name.tracking_number}


def test_unassigned_only_wins_over_a_chosen_assignee(client, commander, investigator):
    case = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    sign_in(client, commander)
    assert listed(client, unassigned="on", assignee=investigator.pk) == {
        case.submission.tracking_number
    }
    assert listed(client, assignee=investigator.pk) == set()


def test_every_sort_lists_every_case(client, investigator):
    numbers = {routed_complaint(categories=["use_of_force"]).tracking_number for _ in range(3)}
    sign_in(client, investigator)
    for sort in SORTS:
        assert listed(client, sort=sort) == numbers, sort


def test_the_export_is_the_filtered_list_every_page_of_it(client, investigator):
    force = [routed_complaint(categories=["use_of_force"]) for _ in range(3)]
    routed_complaint(categories=["discourtesy"])
    sign_in(client, investigator)
    rows = exported(client, allegation="use_of_force", sort="tracking")
    assert [row["tracking_number"] for row in rows] == sorted(s.tracking_number for s in force)
    assert set(rows[0]) == {
        "tracking_number",
        "queue",
        "received",
        "status",
        "priority",
        "assignee",
        "due",
        "overdue",
        "confidential",
    }
    assert rows[0]["status"] == "Received"
    assert len(exported(client)) == 4


def test_the_export_holds_no_formula_and_hides_other_queues(client, investigator):
    routed_complaint(categories=["criminal_misconduct"])  # the confidential queue
    case = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    investigator.first_name, investigator.last_name = "=HYPERLINK(1)", ""
    investigator.save()
    Case.objects.filter(pk=case.pk).update(assignee=investigator)
    sign_in(client, investigator)
    rows = exported(client)
    assert [row["tracking_number"] for row in rows] == [case.submission.tracking_number]
    assert rows[0]["assignee"] == "'=HYPERLINK(1)"


def test_the_export_query_count_does_not_grow_with_cases(
    client, investigator, django_assert_num_queries, django_assert_max_num_queries
):
    sign_in(client, investigator)
    routed_complaint()

    def export():
        response = client.get(reverse("cases:list-export"), {"q": "officer"})
        return b"".join(response.streaming_content)

    with django_assert_max_num_queries(12) as few:
        export()
    for _ in range(12):
        routed_complaint(categories=["use_of_force"])
    with django_assert_num_queries(len(few.captured_queries)):
        body = export()
    assert body.count(b"C-20") == 13


FIELDS = {
    "queue": st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=8)),
    "status": st.one_of(st.sampled_from(Case.Status.values), st.text(max_size=8)),
    "assignee": st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=8)),
    "unassigned": st.sampled_from(["on", "", "true", "0", "x"]),
    "allegation": st.one_of(st.sampled_from(AllegationCategory.values), st.text(max_size=8)),
    "unit": st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=8)),
    "overdue": st.sampled_from(["on", "", "false"]),
    "received_from": st.one_of(st.dates().map(str), st.text(max_size=12)),
    "received_to": st.one_of(st.dates().map(str), st.text(max_size=12)),
    "q": st.text(max_size=250),
    "sort": st.one_of(st.sampled_from(list(SORTS)), st.text(max_size=8)),
    "page": st.one_of(st.integers(-3, 10**6).map(str), st.text(max_size=6)),
}


@pytest.fixture
def two_queues(db):
    force = routed_complaint(categories=["use_of_force"])
    secret = routed_complaint(categories=["criminal_misconduct"])
    return force, secret


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=st.fixed_dictionaries({}, optional=FIELDS))
def test_any_query_string_answers_a_page_and_never_widens_what_is_seen(
    client, investigator, two_queues, params
):
    # NUL characters cannot reach the view (browsers and proxies refuse them in a URL).
    params = {key: value.replace("\x00", "") for key, value in params.items()}
    sign_in(client, investigator)
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    shown = {case.submission.tracking_number for case in response.context["page"]}
    assert two_queues[1].tracking_number not in shown
    filters = CaseFilter(params, user=investigator)
    assert set(filters.qs.values_list("pk", flat=True)) <= {
        Case.objects.get(submission=two_queues[0]).pk
    }
