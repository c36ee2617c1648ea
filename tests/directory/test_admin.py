import pytest
from django.urls import reverse

from directory.models import Employee
from tests.factories import EmployeeFactory, UserFactory
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    sign_in(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_an_employee_page_shows_the_chain_of_command_and_direct_reports(admin_client):
    captain = EmployeeFactory(first_name="Margaret", last_name="Holloway", rank="Captain")
    sergeant = EmployeeFactory(
        first_name="Dwayne", last_name="Fletcher", rank="Sergeant", supervisor=captain
    )
    EmployeeFactory(first_name="Ana", last_name="Morales", supervisor=sergeant)
    page = admin_client.get(reverse("admin:directory_employee_change", args=[sergeant.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Margaret Holloway" in text  # up the chain
    assert "Morales" in text  # a direct report


def test_employees_cannot_be_deleted_from_the_admin(admin_client):
    employee = EmployeeFactory()
    response = admin_client.get(reverse("admin:directory_employee_delete", args=[employee.pk]))
    assert response.status_code == 403
    assert Employee.objects.filter(pk=employee.pk).exists()


@pytest.mark.parametrize(
    "name",
    [
        "directory_unit",
        "directory_servicearea",
        "directory_employee",
        "staff_queue",
        "routing_routingrule",
        "notices_notice",
        "notices_deliveryevent",
        "notices_paperletter",
        "commendations_commendation",
    ],
)
def test_admin_lists_open(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_notice_admin_shows_delivery_facts_but_not_what_the_email_says(admin_client):
    from notices.models import Notice
    from routing.services import submission_route
    from tests.factories import complaint

    submission = complaint(submitter_email="dana@example.com").submission
    submission_route(submission_id=submission.pk)
    notice = Notice.objects.get(kind=Notice.Kind.ACKNOWLEDGEMENT)
    Notice.objects.filter(pk=notice.pk).update(context={"allegations": "SECRET-ALLEGATION"})
    page = admin_client.get(reverse("admin:notices_notice_change", args=[notice.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert notice.get_state_display() in text and submission.tracking_number in text
    assert "dana@example.com" not in text  # how to reach the person who filed: not here
    assert "SECRET-ALLEGATION" not in text
