import pytest
from django.urls import reverse

from cases.models import Case
from intake.models import InvolvedEmployee
from tests.factories import EmployeeFactory

from .conftest import routed_complaint, sign_in

pytestmark = pytest.mark.django_db


def test_staff_pages_need_a_login(client):
    response = client.get(reverse("cases:queues"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_the_overview_counts_open_unassigned_and_overdue_cases(client, investigator):
    routed_complaint(categories=["use_of_force"])
    late = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    Case.objects.filter(pk=late.pk).update(due_date="2020-01-01")
    sign_in(client, investigator)
    page = client.get(reverse("cases:queues"))
    assert page.status_code == 200
    use_of_force = next(q for q in page.context["queues"] if q.slug == "use-of-force")
    assert (use_of_force.counts.open, use_of_force.counts.unassigned) == (2, 2)
    assert use_of_force.counts.overdue == 1
    assert ("Received", 2) in [(str(label), n) for label, n in use_of_force.status_counts]
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_queue_you_are_not_a_member_of_answers_404(client, investigator):
    routed_complaint(categories=["criminal_misconduct"])
    sign_in(client, investigator)
    assert client.get(reverse("cases:queue", args=["public-integrity"])).status_code == 404
    assert client.get(reverse("cases:queue", args=["no-such-queue"])).status_code == 404
    assert client.get(reverse("cases:queue", args=["use-of-force"])).status_code == 302


def listed(client, **params) -> set[str]:
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return {case.submission.tracking_number for case in response.context["page"]}


def test_the_case_list_filters_searches_and_hides_other_queues(client, investigator):
    unit = EmployeeFactory(dsn="6001", last_name="Brandt").unit
    force = routed_complaint(categories=["use_of_force"], employees=[{"badge": "6001"}])
    general = routed_complaint(narrative="He laughed at my accent and tore up my papers.")
    secret = routed_complaint(categories=["criminal_misconduct"])
    sign_in(client, investigator)

    everything = listed(client)
    assert force.tracking_number in everything
    assert general.tracking_number in everything
    assert secret.tracking_number not in everything
    assert listed(client, allegation="use_of_force") == {force.tracking_number}
    assert listed(client, q=force.tracking_number) == {force.tracking_number}
    assert listed(client, q=f" {force.tracking_number.lower()} ") == {force.tracking_number}
    assert listed(client, q="accent") == {general.tracking_number}
    assert listed(client, q="Brandt") == {force.tracking_number}
    assert listed(client, unit=unit.pk) == {force.tracking_number}
    assert InvolvedEmployee.objects.get(submission=force).employee.dsn == "6001"
    assert listed(client, status="closed") == set()
    assert listed(client, unassigned="on", sort="-received") == everything
    assert listed(client, overdue="on") == set()
    assert listed(client, received_from="2000-01-01", received_to="2000-12-31") == set()


def test_the_case_list_query_count_does_not_grow_with_cases(
    client, investigator, django_assert_num_queries, django_assert_max_num_queries
):
    sign_in(client, investigator)
    routed_complaint()
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("cases:list"), {"sort": "-received"})
    baseline = len(few.captured_queries)
    for _ in range(15):
        routed_complaint(categories=["use_of_force"])
    with django_assert_num_queries(baseline):
        response = client.get(reverse("cases:list"), {"sort": "-received"})
    assert response.content.decode().count("C-20") == 16
