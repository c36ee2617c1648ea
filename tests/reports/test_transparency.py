"""The public transparency page: no sign-in, three languages, small counts suppressed, names
never shown, open data downloads, and served from the cache without reading the cases."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from reports.models import TransparencySnapshot
from reports.tasks import refresh_transparency
from reports.transparency import CACHE_KEY, transparency_payload, transparency_refresh
from tests.factories import EmployeeFactory, UnitFactory

from .conftest import at, commendation_received, received_case

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


@pytest.fixture
def last_year(db):
    """Last year: 12 web complaints and 3 by phone (suppressed), one officer named."""
    unit = UnitFactory(code="north", name="North County Precinct")
    EmployeeFactory(dsn="5101", unit=unit, first_name="Gregor", last_name="Wexley")
    for month in range(1, 13):
        received_case(
            on=at(THIS_YEAR - 1, month, 3),
            employees=["5101"],
            submitter_name="Rosalind Quibble",
            narrative="Rosalind Quibble here.",
        )
    for month in (2, 5, 8):
        received_case(on=at(THIS_YEAR - 1, month, 9), channel="phone")
    commendation_received(
        on=at(THIS_YEAR - 1, 4, 1), badge="5101", share=True, text="He walked me home in the storm."
    )
    commendation_received(
        on=at(THIS_YEAR - 1, 4, 2),
        badge="5101",
        share=False,
        text="Private thanks, not for the web.",
    )
    return THIS_YEAR - 1


def test_the_page_opens_without_sign_in_on_the_last_whole_year(client, last_year):
    response = client.get(reverse("transparency:page"))
    assert response.status_code == 302
    assert response["Location"] == reverse("transparency:year", args=[last_year])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "public" in page["Cache-Control"]
    text = page.content.decode()
    assert "Complaints received:" in text and "<strong>15</strong>" in text
    assert "Last updated:" in text
    assert reverse("transparency:year", args=[THIS_YEAR]) in text


def test_small_counts_read_fewer_than_five_and_their_complement_is_withheld(client, last_year):
    page = client.get(reverse("transparency:year", args=[last_year]))
    channel = next(t for t, _svg in page.context["tables"] if t.slug == "received-by-channel")
    shown = {row.key: row.cells[0].text() for row in channel.rows}
    assert shown["phone"] == "fewer than 5"
    # With the total of 15 shown, 3 could be worked out from the 12: the 12 is withheld too.
    assert shown["web"] == "withheld (5 or more)"
    assert shown["letter"] == "0"
    assert channel.total.cells[0].text() == "15"


def test_no_employee_or_complainant_is_named_anywhere(client, last_year):
    urls = [
        reverse("transparency:year", args=[last_year]),
        reverse("transparency:json", args=[last_year]),
    ]
    urls += [
        reverse("transparency:csv", args=[last_year, slug])
        for slug in ["received-by-unit", "commendations-by-unit", "received-by-month"]
    ]
    for url in urls:
        body = client.get(url).content.decode("utf-8-sig")
        for name in ["Wexley", "Gregor", "Rosalind", "Quibble", "5101"]:
            assert name not in body, (url, name)


def test_shared_commendations_appear_and_the_others_do_not(client, last_year):
    text = client.get(reverse("transparency:year", args=[last_year])).content.decode()
    assert "He walked me home in the storm." in text
    assert "Private thanks" not in text


def test_each_table_downloads_as_csv_with_suppression_marks(client, last_year):
    response = client.get(reverse("transparency:csv", args=[last_year, "received-by-channel"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Channel", "Count"]
    assert ["Phone", "<5"] in rows and ["Web form", "5+"] in rows and rows[-1] == ["Total", "15"]
    assert client.get(reverse("transparency:csv", args=[last_year, "nope"])).status_code == 404
    assert client.get(reverse("transparency:csv", args=[1999, "findings"])).status_code == 404


def test_every_table_downloads_as_json(client, last_year):
    response = client.get(reverse("transparency:json", args=[last_year]))
    body = json.loads(response.content)
    assert body["year"] == last_year
    channel = body["tables"]["received-by-channel"]
    phone = next(row for row in channel["rows"] if row["key"] == "phone")
    assert phone["values"] == [{"count": None, "suppressed": "fewer_than_5"}]
    assert channel["total"] == [{"count": 15, "suppressed": None}]
    assert set(body["tables"]) >= {"findings", "time-to-close", "received-by-area"}


def test_the_data_dictionary_explains_every_table(client, last_year):
    text = client.get(reverse("transparency:dictionary")).content.decode()
    for slug in [
        "received-by-month",
        "received-by-category",
        "findings",
        "time-to-close",
        "commendations-by-unit",
        "fewer_than_5",
        "withheld",
    ]:
        assert slug in text


@pytest.mark.parametrize(("language", "phrase"), [("es", "menos de 5"), ("bs", "manje od 5")])
def test_the_page_reads_in_spanish_and_bosnian(client, last_year, language, phrase):
    response = client.get(
        reverse("transparency:year", args=[last_year]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert f'lang="{language}"' in response.content.decode()
    assert phrase in response.content.decode()


def test_a_crowd_of_readers_costs_the_database_nothing(
    client, last_year, django_assert_num_queries
):
    transparency_refresh()
    url = reverse("transparency:year", args=[last_year])
    for target in [
        url,
        reverse("transparency:json", args=[last_year]),
        reverse("transparency:csv", args=[last_year, "findings"]),
    ]:
        with django_assert_num_queries(0):
            for _ in range(3):
                assert client.get(target).status_code == 200


def test_after_a_restart_the_cache_refills_from_the_last_snapshot(
    last_year, django_assert_num_queries
):
    published = transparency_refresh()
    cache.delete(CACHE_KEY)
    with django_assert_num_queries(1):
        assert transparency_payload() == published.payload
    with django_assert_num_queries(0):
        transparency_payload()


def test_the_beat_task_publishes_new_figures_and_keeps_a_few_snapshots(last_year):
    for _ in range(12):
        refresh_transparency()
    assert TransparencySnapshot.objects.count() == 10
    before = transparency_payload()["years"][str(last_year)]["tables"]["received-by-month"]["total"]
    received_case(on=at(last_year, 6, 6))
    assert (
        transparency_payload()["years"][str(last_year)]["tables"]["received-by-month"]["total"]
        == before
    )
    refresh_transparency()
    after = transparency_payload()["years"][str(last_year)]["tables"]["received-by-month"]["total"]
    assert after == [before[0] + 1, ""]


def test_time_to_close_shows_only_over_five_cases(last_year):
    received_case(on=at(last_year, 3, 3), ended=Case.Status.CLOSED, days_to_close=5)
    payload = transparency_refresh().payload
    times = payload["years"][str(last_year)]["tables"]["time-to-close"]
    assert times["ended"] == [None, "fewer_than_5"]
    assert times["median"] is None and times["within_due_share"] is None
