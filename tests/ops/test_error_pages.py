"""The 500 and 503 pages: they need no database, say what happened and what to do in the
visitor's language and the two others, and give back what a failed form carried."""

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from ops.errors import server_error
from tests.factories import complaint_post

pytestmark = pytest.mark.django_db

NARRATIVE = "The officer at the gas station on Lindbergh shouted at my son."


@pytest.fixture
def client():
    # The browser's view: an error becomes the error page, not an exception in the test.
    return Client(raise_request_exception=False)


@pytest.fixture
def failing_intake(monkeypatch):
    def fail_with(error):
        def submission_receive(**kwargs):
            raise error

        monkeypatch.setattr("intake.views.submission_receive", submission_receive)

    return fail_with


def test_a_server_error_on_the_form_shows_what_the_resident_typed(client, failing_intake):
    failing_intake(RuntimeError("a bug"))
    post = complaint_post(narrative=NARRATIVE, submitter_name="Dana Whitfield")
    response = client.post("/complaint/", post)
    assert response.status_code == 500
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "send the form again" in page
    assert NARRATIVE in page and "Dana Whitfield" in page
    # The form's machinery is not "what you typed".
    assert post["idempotency_key"] not in page and "TOTAL_FORMS" not in page


def test_the_error_page_speaks_the_visitors_language_first_then_the_other_two(
    client, failing_intake
):
    failing_intake(RuntimeError("a bug"))
    page = client.post("/complaint/", complaint_post(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page
    spanish, bosnian, english = (
        page.index(f'lang="{code}"', page.index("<main")) for code in ["es", "bs", "en"]
    )
    assert spanish < bosnian and spanish < english
    assert "Algo salió mal de nuestro lado" in page
    assert "Nešto je pošlo po zlu kod nas" in page
    assert "Something went wrong on our side" in page
    assert page.count("<h1") == 1


def test_a_database_that_cannot_be_reached_is_a_503_back_shortly(client, failing_intake):
    failing_intake(OperationalError("connection to server was lost"))
    response = client.post("/complaint/", complaint_post(narrative=NARRATIVE))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "unavailable for a moment" in page and NARRATIVE in page


def test_the_error_page_is_rendered_without_the_database(django_db_blocker):
    request = RequestFactory().post(
        "/complaint/", {"narrative": NARRATIVE, "password": "hunter2-x"}
    )
    with django_db_blocker.block():
        try:
            raise OperationalError("the server closed the connection unexpectedly")
        except OperationalError:
            response = server_error(request)
    assert response.status_code == 503
    page = response.content.decode()
    assert NARRATIVE in page
    assert "hunter2-x" not in page  # secrets are never echoed


def test_a_page_that_is_not_a_form_shows_no_typed_text(client, monkeypatch):
    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr("intake.views.render", broken)
    page = client.get("/").content.decode()
    assert "Something went wrong on our side" in page
    assert 'id="typed"' not in page


def test_maintenance_answers_every_page_503_and_keeps_what_was_posted(client, settings):
    settings.CANDOR_MAINTENANCE = True
    home = client.get("/")
    assert home.status_code == 503 and home["Retry-After"] == "60"
    assert "unavailable for a moment" in home.content.decode()
    posted = client.post("/complaint/", complaint_post(narrative=NARRATIVE))
    assert posted.status_code == 503 and NARRATIVE in posted.content.decode()
    health = client.get("/healthz")
    assert health["Content-Type"] == "application/json"
