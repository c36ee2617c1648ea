"""The staff summary: who may read it, what it shows, its printable version and its CSV."""

import csv
import io

import pytest
from django.urls import reverse

from cases.models import Case
from staff import roles

from .conftest import at, received_case, sign_in, staff_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.BPS_COMMANDER, 200),
        (roles.AUDITOR, 200),
        (roles.CHIEFS_OFFICE, 200),
        (roles.INVESTIGATOR, 404),
        (roles.INTAKE_COORDINATOR, 404),
        (roles.ADMINISTRATOR, 404),
    ],
)
def test_the_summary_is_for_the_commander_the_auditor_and_the_chiefs_office(client, role, status):
    sign_in(client, staff_member(role))
    for url in (
        reverse("reports:summary"),
        reverse("reports:summary-print"),
        reverse("reports:summary-csv", args=["received-by-month"]),
    ):
        assert client.get(url, {"year": 2025}).status_code == status, url


def test_the_summary_needs_both_factors(client, commander):
    response = client.get(reverse("reports:summary"))
    assert response.status_code == 302
    client.force_login(commander)
    assert client.get(reverse("reports:summary"))["Location"].startswith(reverse("staff:verify"))


def test_the_summary_sets_the_period_beside_the_year_before_with_a_chart_per_table(
    client, commander
):
    received_case(
        on=at(2025, 3, 2),
        categories=["use_of_force"],
        ended=Case.Status.CLOSED,
        days_to_close=12,
        findings={"use_of_force": "sustained"},
    )
    received_case(on=at(2024, 3, 9), categories=["bias"])
    sign_in(client, commander)
    response = client.get(reverse("reports:summary"), {"year": "2025"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    tables = {table.slug: table for table, _svg in response.context["tables"]}
    month = tables["received-by-month"]
    assert month.columns == ["2025", "2024"]
    march = next(row for row in month.rows if row.key == "2025-03")
    assert [cell.value for cell in march.cells] == [1, 1]
    categories = {
        row.key: [c.value for c in row.cells] for row in tables["received-by-category"].rows
    }
    assert categories["use_of_force"] == [1, 0] and categories["bias"] == [0, 1]
    assert tables["time-to-close"].rows[1].cells[0].value == 12.0
    # Each drawn table has its SVG, labelled as a picture of the table beside it.
    assert page.count('<svg class="chart"') == sum(1 for t in tables.values() if t.chart and t.rows)
    assert 'role="img"' in page and '<table class="report">' in page
    assert reverse("reports:summary-csv", args=["findings"]) + "?year=2025" in page


def test_a_date_range_is_compared_with_the_same_days_a_year_before(client, auditor):
    received_case(on=at(2025, 6, 10))
    received_case(on=at(2024, 6, 10))
    received_case(on=at(2024, 7, 10))
    sign_in(client, auditor)
    response = client.get(reverse("reports:summary"), {"start": "2025-06-01", "end": "2025-06-30"})
    month = response.context["tables"][0][0]
    assert [(row.key, [c.value for c in row.cells]) for row in month.rows] == [("2025-06", [1, 1])]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"year": "twenty"}, "year", "Enter a year as four digits"),
        ({"year": "2999"}, "year", "Choose this year or an earlier one"),
        ({"start": "2025-05-01"}, "end", "Give both the first and the last day"),
        ({"start": "2025-05-01", "end": "2025-04-01"}, "end", "on or after the first day"),
        ({"start": "1-5-2025", "end": "2025-04-01"}, "start", "Enter the first day as a date"),
        ({"start": "2001-01-01", "end": "2025-04-01"}, "end", "ten years or less"),
    ],
)
def test_a_bad_period_is_explained_and_what_was_typed_is_kept(
    client, commander, query, field, message
):
    sign_in(client, commander)
    response = client.get(reverse("reports:summary"), query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'href="#id_{field}"' in page  # the error summary links to the field
    for value in query.values():
        assert f'value="{value}"' in page
    csv_response = client.get(reverse("reports:summary-csv", args=["endings"]), query)
    assert csv_response.status_code == 400 and message in csv_response.content.decode()


def test_a_bad_period_reads_in_the_users_language(client, commander):
    sign_in(client, commander)
    response = client.get(reverse("reports:summary"), {"year": "x"}, HTTP_ACCEPT_LANGUAGE="es")
    assert "Escriba el año" in response.content.decode()


def test_every_table_downloads_as_csv(client, commander):
    received_case(on=at(2025, 1, 5), channel="phone", area="=cmd|' /C calc'!A0")
    sign_in(client, commander)
    response = client.get(reverse("reports:summary-csv", args=["received-by-area"]), {"year": 2025})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="candor-received-by-area-20250101-20251231.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Area", "2025", "2024"]
    assert ["'=cmd|' /C calc'!A0", "1", "0"] in rows  # a formula is never a formula
    assert rows[-1] == ["Total", "1", "0"]
    for slug in ["received-by-month", "findings", "time-to-close", "commendations-by-unit"]:
        assert client.get(reverse("reports:summary-csv", args=[slug])).status_code == 200
    assert client.get(reverse("reports:summary-csv", args=["nothing"])).status_code == 404


def test_the_printable_version_has_no_menu_and_every_table(client, commander):
    received_case(on=at(2025, 1, 5))
    sign_in(client, commander)
    response = client.get(reverse("reports:summary-print"), {"year": 2025})
    page = response.content.decode()
    assert 'class="staff-nav' not in page
    assert page.count('class="report-section"') == 9


def test_the_summary_page_is_read_in_a_fixed_number_of_queries(
    client, commander, django_assert_max_num_queries, django_assert_num_queries
):
    sign_in(client, commander)
    received_case(
        on=at(2025, 1, 5), ended=Case.Status.CLOSED, days_to_close=4, findings={"bias": "sustained"}
    )
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("reports:summary"), {"year": 2025})
    for n in range(8):
        received_case(
            on=at(2025, 2 + n, 5),
            categories=["use_of_force", "bias"],
            ended=Case.Status.CLOSED,
            days_to_close=n,
            findings={"bias": "unfounded"},
        )
        received_case(on=at(2024, 2 + n, 5), channel="letter", area=f"Area {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:summary"), {"year": 2025})
