import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notices.models import Notice
from tests.factories import EmployeeFactory, member_of, routed_compliment
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def compliment(**overrides):
    return routed_compliment(
        narrative="She stayed with my father until the ambulance came.",
        submitter_email="grateful@example.com",
        **overrides,
    )


@pytest.fixture
def chief(client):
    user = member_of("chiefs-office", username="chief")
    sign_in(client, user)
    return user


@pytest.fixture
def officer():
    return EmployeeFactory(dsn="1003", first_name="Ana", last_name="Morales")


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("commendations:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_only_members_of_the_chiefs_office_see_its_commendations(client):
    commendation = compliment()
    sign_in(client, member_of("bps-general", username="investigator"))
    assert (
        commendation.submission.tracking_number
        not in client.get(reverse("commendations:inbox")).content.decode()
    )
    assert client.get(reverse("commendations:detail", args=[commendation.pk])).status_code == 404


def test_inbox_lists_commendations_with_their_employee_and_notices(client, chief, officer):
    matched = compliment(employees=[{"badge": "1003"}])
    unsure = compliment(employees=[{"name": "the tall one"}])
    page = client.get(reverse("commendations:inbox")).content.decode()
    assert matched.submission.tracking_number in page
    assert unsure.submission.tracking_number in page
    assert "Needs confirmation" in page
    assert "Commendation to the employee" in page


def test_inbox_query_count_does_not_grow_with_commendations(
    client, chief, officer, django_assert_max_num_queries
):
    compliment(employees=[{"badge": "1003"}])
    # The staff menu asks once which kinds of queue the person belongs to.
    with django_assert_max_num_queries(11) as few:
        client.get(reverse("commendations:inbox"))
    for _ in range(12):
        compliment(employees=[{"badge": "1003"}])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("commendations:inbox"))
    assert response.content.decode().count("K-20") == 13


def test_staff_confirm_a_candidate_and_the_notices_go_out(client, chief, officer):
    EmployeeFactory(dsn="1010", first_name="Ana", last_name="Moralez")
    commendation = compliment(employees=[{"name": "Officer Morales"}])
    detail = client.get(reverse("commendations:detail", args=[commendation.pk])).content.decode()
    assert "Ana Morales (1003)" in detail and "(1010)" in detail  # the candidates
    response = client.post(
        reverse("commendations:confirm", args=[commendation.pk]), {"employee": officer.pk}
    )
    assert response.status_code == 302
    commendation.refresh_from_db()
    assert commendation.employee == officer
    assert Notice.objects.filter(kind="commendation_employee", employee=officer).exists()
    assert AuditEvent.objects.filter(action="commendation.view", actor=chief).exists()


def test_an_unknown_badge_number_is_explained_and_kept_in_the_field(client, chief):
    commendation = compliment()
    response = client.post(
        reverse("commendations:confirm", args=[commendation.pk]), {"dsn": "99999"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No active employee has the number 99999" in page
    assert 'value="99999"' in page


def test_a_bad_corrected_address_is_explained_and_kept(client, chief, officer):
    compliment(employees=[{"badge": "1003"}])
    notice = Notice.objects.get(kind="commendation_employee")
    Notice.objects.filter(pk=notice.pk).update(state=Notice.State.BOUNCED)
    response = client.post(
        reverse("commendations:resend", args=[notice.submission.commendation.pk]),
        {"notice": notice.pk, "email": "ana.morales@"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an email address like name@example.org." in page
    assert 'value="ana.morales@"' in page


def test_tell_the_citizen_and_print_the_letter(client, chief, officer):
    commendation = compliment(employees=[{"badge": "1003"}])
    client.post(reverse("commendations:tell-citizen", args=[commendation.pk]))
    assert Notice.objects.filter(kind="commendation_delivered").exists()
    letter = client.get(reverse("commendations:letter", args=[commendation.pk])).content.decode()
    assert "Letter of commendation" in letter and "Ana Morales" in letter
    assert "ambulance" in letter


def test_the_employee_page_lists_their_commendations(client, chief, officer):
    first = compliment(employees=[{"badge": "1003"}])
    second = compliment(employees=[{"badge": "1003"}])
    other = compliment()
    page = client.get(reverse("commendations:employee", args=[officer.pk])).content.decode()
    assert first.submission.tracking_number in page
    assert second.submission.tracking_number in page
    assert other.submission.tracking_number not in page


def test_sharing_is_offered_only_when_the_submitter_allowed_it(client, chief):
    refused = compliment()
    page = client.get(reverse("commendations:detail", args=[refused.pk])).content.decode()
    assert "did not allow public sharing" in page
    client.post(reverse("commendations:share", args=[refused.pk]), {"shared": "1"})
    refused.refresh_from_db()
    assert not refused.shared_publicly
    allowed = compliment(share_publicly=True)
    client.post(reverse("commendations:share", args=[allowed.pk]), {"shared": "1"})
    allowed.refresh_from_db()
    assert allowed.shared_publicly
