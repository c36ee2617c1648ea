"""A public form page kept for new visitors (intake/kept.py) is the page rendered anew for each
of them: for any address, language and kind of page, and for a visitor signed in as staff or
with a message waiting. Only the CSRF token and the form's key are their own, and they work."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.kept import kept_pages_forget
from intake.models import Submission
from staff.roles import INVESTIGATOR
from tests.factories import complaint_post
from tests.staff import sign_in, staff_member

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)"')
KEY = re.compile(r'(name="idempotency_key" value=")([0-9a-f]{32})"')


def _own_values_out(page: str) -> str:
    return KEY.sub(r'\1KEY"', TOKEN.sub(r'\1TOKEN"', page))


def _kept_and_anew(client: Client, path: str, language: str) -> tuple[str, str]:
    """The page `client` gets at `path` while another visitor's is kept, and rendered anew."""
    kept_pages_forget()
    headers = {"accept-language": language}
    Client().get(path, headers=headers)  # someone else came first
    kept = client.get(path, headers=headers).content.decode()
    kept_pages_forget()
    anew = client.get(path, headers=headers).content.decode()
    return kept, anew


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["complaint", "compliment"]),
    language=st.sampled_from(["en", "es", "bs"]),
    query=st.text(st.characters(codec="utf-8", exclude_characters="\x00#"), max_size=30),
)
def test_a_kept_page_is_the_page_rendered_anew_at_any_address(kind, language, query):
    path = f"/{kind}/" + (f"?{query}" if query else "")
    kept, anew = _kept_and_anew(Client(), path, language)
    assert _own_values_out(kept) == _own_values_out(anew)
    assert f'<html lang="{language}">' in kept


def test_a_kept_page_shows_nobody_what_the_first_visitor_had(settings):
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
    staff = Client()
    sign_in(staff, staff_member(INVESTIGATOR, "bps-general", first_name="Ilse"))
    with_message = Client()
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "Only for Rosalind: your message was sent.")
    response = HttpResponse()
    storage.update(response)
    with_message.cookies["messages"] = response.cookies["messages"].value
    for visitor in (staff, with_message):
        kept, anew = _kept_and_anew(visitor, "/complaint/", "en")
        assert _own_values_out(kept) == _own_values_out(anew)
        assert "Ilse" not in kept and "Rosalind" not in kept


def test_each_visitor_gets_a_token_and_a_key_that_work():
    Client().get("/complaint/")  # kept from here on
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get("/complaint/?from=leaflet&x='1'").content.decode() for visitor in visitors]
    keys = [KEY.search(page).group(2) for page in pages]
    assert keys[0] != keys[1]
    for page in pages:
        assert (
            '<input name="next" type="hidden" value="/complaint/?from=leaflet&amp;x=&#x27;1&#x27;">'
            in page
        )
        assert len(TOKEN.findall(page)) == 2
    for visitor, page, key in zip(visitors, pages, keys, strict=True):
        token = TOKEN.search(page).group(2)
        data = complaint_post(idempotency_key=key, csrfmiddlewaretoken=token)
        assert visitor.post("/complaint/", data).status_code == 302
    assert Submission.objects.count() == 2
