"""The summary's figures: what counts where, for a period and the year before."""

import pytest
from django.db import connection

from cases.models import Case
from reports.periods import Period
from reports.selectors import period_figures, periods_figures
from tests.factories import EmployeeFactory, UnitFactory

from .conftest import at, commendation_received, received_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(db):
    north = UnitFactory(code="north", name="North County Precinct")
    south = UnitFactory(code="south", name="South County Precinct")
    return {
        "north": EmployeeFactory(dsn="5101", unit=north),
        "south": EmployeeFactory(dsn="5102", unit=south),
    }


def test_complaints_received_count_by_month_channel_category_unit_and_area(officers):
    received_case(on=at(2025, 1, 5), categories=["use_of_force"], employees=["5101"])
    received_case(
        on=at(2025, 1, 20),
        channel="phone",
        categories=["use_of_force", "bias"],
        employees=["5101", "5102"],
        area="City of Jennings",
    )
    received_case(on=at(2025, 3, 2), categories=[], area="City of Jennings")
    received_case(on=at(2024, 12, 31, 23), categories=["discourtesy"])  # the year before
    duplicate = received_case(on=at(2025, 3, 3), ended=Case.Status.MERGED, days_to_close=1)

    figures = period_figures(period=Period.year(2025))

    assert figures.received == 3  # the merged duplicate is counted once, as the one it joined
    assert duplicate.status == Case.Status.MERGED
    assert figures.by_month["2025-01"] == 2 and figures.by_month["2025-03"] == 1
    assert len(figures.by_month) == 12 and figures.by_month["2025-12"] == 0
    assert figures.by_channel["web"] == 2 and figures.by_channel["phone"] == 1
    assert figures.by_category["use_of_force"] == 2
    assert figures.by_category["bias"] == 1
    assert figures.by_category["other"] == 1  # none chosen counts as Other
    assert figures.by_category["discourtesy"] == 0
    assert figures.by_unit == {"North County Precinct": 2, "South County Precinct": 1, "": 1}
    assert figures.by_area == {"City of Jennings": 2, "": 1}
    before = period_figures(period=Period.year(2024))
    assert before.received == 1 and before.by_month["2024-12"] == 1


def test_recorded_allegations_take_the_place_of_the_categories_chosen(officers):
    received_case(
        on=at(2025, 2, 1),
        categories=["discourtesy"],
        employees=["5101"],
        findings={"use_of_force": "", "improper_stop": ""},
    )
    figures = period_figures(period=Period.year(2025))
    assert figures.by_category["discourtesy"] == 0
    assert figures.by_category["use_of_force"] == 1
    assert figures.by_category["improper_stop"] == 1


def test_endings_findings_and_time_to_close_count_the_cases_that_ended_in_the_period(officers):
    # Received in 2024, closed in 2025: counted in 2025's outcomes.
    received_case(
        on=at(2024, 12, 1),
        ended=Case.Status.CLOSED,
        days_to_close=40,
        due_days=30,
        employees=["5101"],
        findings={"use_of_force": "sustained", "discourtesy": "unfounded"},
    )
    received_case(
        on=at(2025, 1, 1),
        ended=Case.Status.CLOSED,
        days_to_close=10,
        findings={"use_of_force": "not_sustained"},
    )
    received_case(on=at(2025, 2, 1), ended=Case.Status.MEDIATED, days_to_close=20)
    received_case(on=at(2025, 3, 1), ended=Case.Status.REFERRED, days_to_close=30)
    received_case(on=at(2025, 4, 1))  # still open
    received_case(on=at(2025, 4, 2), ended=Case.Status.MERGED, days_to_close=2)

    figures = period_figures(period=Period.year(2025))

    assert figures.endings == {"closed": 2, "mediated": 1, "referred": 1}
    assert figures.ended == 4
    assert figures.findings["use_of_force"]["sustained"] == 1
    assert figures.findings["use_of_force"]["not_sustained"] == 1
    assert figures.findings["discourtesy"]["unfounded"] == 1
    # 10, 20, 30, 40 days: median 25, 90th percentile 37 (interpolated, as percentile_cont).
    assert figures.days_median == pytest.approx(25, abs=0.05)
    assert figures.days_p90 == pytest.approx(37, abs=0.05)
    assert figures.within_due == 3  # the 40-day case was due after 30
    assert figures.within_due_share == 0.75


def test_commendations_count_by_the_unit_of_the_employee(officers):
    commendation_received(on=at(2025, 5, 1), badge="5101")
    commendation_received(on=at(2025, 6, 1), badge="5101")
    commendation_received(on=at(2025, 6, 2))
    commendation_received(on=at(2024, 6, 2), badge="5102")
    figures = period_figures(period=Period.year(2025))
    assert figures.commendations_by_unit == {"North County Precinct": 2, "": 1}
    assert figures.commendations == 3


def test_a_period_is_read_in_a_fixed_number_of_queries(officers, django_assert_num_queries):
    received_case(
        on=at(2025, 1, 5),
        employees=["5101"],
        ended=Case.Status.CLOSED,
        days_to_close=3,
        findings={"bias": "sustained"},
    )
    with django_assert_num_queries(9) as captured:
        period_figures(period=Period.year(2025))
    for n in range(10):
        received_case(
            on=at(2025, 1 + n, 5), employees=["5102"], ended=Case.Status.MEDIATED, days_to_close=n
        )
        commendation_received(on=at(2025, 2, 2), badge="5101")
    with django_assert_num_queries(len(captured.captured_queries)):
        period_figures(period=Period.year(2025))


def test_periods_read_together_give_what_each_gives_alone(officers):
    for n, (year, month) in enumerate([(2023, 6), (2024, 2), (2024, 11), (2025, 3), (2025, 12)]):
        received_case(
            on=at(year, month, 10),
            categories=["use_of_force"] if n % 2 else ["bias", "discourtesy"],
            channel=["web", "phone"][n % 2],
            employees=["5101"] if n % 3 else ["5102"],
            ended=Case.Status.CLOSED,
            days_to_close=20 + 30 * n,
            findings={"bias": "sustained"} if n % 2 else None,
        )
    two_years = Period(Period.year(2024).start, Period.year(2025).end)
    for periods in (
        [two_years, two_years.year_before()],  # overlapping
        [Period.year(2025), Period.year(2024), Period.year(2023)],  # apart
    ):
        together = periods_figures(periods=periods)
        alone = [periods_figures(periods=[p])[0] for p in periods]
        assert [vars(f) for f in together] == [vars(f) for f in alone]


def test_the_date_received_index_carries_what_the_summary_counts_by(db):
    """The summary's queries pick a period's complaints by the date received and count them by
    channel and area: the date's index carries those columns (and the id the case joins on),
    so at scale PostgreSQL reads them from the index, not from the wide submission rows (the
    benchmark measures the difference)."""
    if connection.vendor != "postgresql":
        pytest.skip("covering indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'submission_received_cover'"
        )
        (definition,) = cursor.fetchone()
    assert "(received_at) INCLUDE (id, channel, service_area_id)" in definition
