"""A PostgreSQL restart seen from a resident's browser, through a real web server: the stale
connection costs no request (CONN_HEALTH_CHECKS), and while the database is down the page
says so and gives back what was typed instead of a bare error."""

import re

import pytest
import requests

from intake.models import Submission
from tests.factories import complaint_post

from .conftest import database_connections_dropped, database_down

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]

NARRATIVE = "The officer at the gas station on Lindbergh shouted at my son."


def form_page(session, url):
    response = session.get(url, timeout=10)
    assert response.status_code == 200
    page = response.text
    return {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1],
        "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', page)[1],
    }


def test_a_database_restart_costs_no_request_and_an_outage_keeps_the_text(
    live_server, postgres_test_url
):
    url = live_server.url + "/complaint/"
    session = requests.Session()
    tokens = form_page(session, url)  # the server now holds a database connection
    assert database_connections_dropped() >= 1

    # The next request finds its connection dead, opens a new one and answers as usual.
    tokens = form_page(session, url)
    post = complaint_post(narrative=NARRATIVE, **tokens)

    with database_down():
        response = session.post(url, data=post, headers={"Referer": url}, timeout=10)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert NARRATIVE in response.text and "unavailable for a moment" in response.text
    assert not Submission.objects.exists()

    # Back up: the same form sent again is stored, once.
    response = session.post(url, data=post, headers={"Referer": url}, timeout=10)
    assert response.status_code == 200 and "/received/" in response.url
    assert Submission.objects.get().narrative == NARRATIVE
