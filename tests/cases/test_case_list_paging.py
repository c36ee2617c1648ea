"""The case list pages by keyset (Next and Previous carry a case, not a page number), counts
only as far as it says, and answers a search the same whether it finds the cases through the
indexes or by reading the list in its order."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import filters, selectors, views
from cases.filters import SORTS
from cases.models import Case

from .conftest import routed_complaint, sign_in

pytestmark = pytest.mark.django_db


def page_of(client, **params):
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return response


def numbers(response) -> list[str]:
    return [case.submission.tracking_number for case in response.context["page"]]


def link(response, rel: str) -> dict | None:
    found = re.search(rf'href="\?([^"]*)" rel="{rel}"', response.content.decode())
    if not found:
        return None
    query = found.group(1).replace("&amp;", "&")
    return dict(part.split("=", 1) for part in query.split("&"))


@pytest.fixture
def seven(db):
    return [routed_complaint(categories=["use_of_force"]).tracking_number for _ in range(7)]


@pytest.mark.parametrize("sort", list(SORTS))
def test_next_walks_every_case_once_in_order_and_previous_walks_back(
    client, investigator, seven, monkeypatch, sort
):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    sign_in(client, investigator)
    monkeypatch.setattr(views, "PAGE_SIZE", 100)
    everything = numbers(page_of(client, sort=sort))
    assert sorted(everything) == sorted(seven)

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    pages, params = [], {"sort": sort}
    while True:
        response = page_of(client, **params)
        pages.append(numbers(response))
        following = link(response, "next")
        if following is None:
            break
        assert following["sort"] == sort  # the filters and sort travel with the page
        params = following
    assert [n for page in pages for n in page] == everything
    assert [len(page) for page in pages] == [3, 3, 1]

    back = link(response, "prev")
    assert numbers(page_of(client, **back)) == pages[1]
    first = page_of(client, **link(page_of(client, **back), "prev"))
    assert numbers(first) == pages[0] and link(first, "prev") is None


def test_a_case_one_may_not_see_named_as_the_page_boundary_gives_the_first_page(
    client, investigator, seven
):
    hidden = Case.objects.get(submission=routed_complaint(categories=["criminal_misconduct"]))
    sign_in(client, investigator)
    first = numbers(page_of(client))
    for boundary in (hidden.pk, 10**9, "abc", "-1", "1.5"):
        assert numbers(page_of(client, after=boundary)) == first
        assert numbers(page_of(client, before=boundary)) == first


def test_the_count_stops_at_its_cap_and_says_more_than(client, investigator, seven, monkeypatch):
    sign_in(client, investigator)
    assert "7 cases" in page_of(client).content.decode()
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    page = page_of(client).content.decode()
    assert "More than 5 cases" in page and "7 cases" not in page
    assert "1 case" in page_of(client, q=seven[0]).content.decode()


@pytest.mark.parametrize("words", ["Morales", "1003", "417", "ana morales", "phone", "nobody"])
def test_a_search_finds_the_same_cases_through_the_indexes_or_in_the_lists_order(
    client, investigator, monkeypatch, words
):
    from tests.factories import EmployeeFactory

    EmployeeFactory(dsn="1003", first_name="Ana", last_name="Morales", car_number="417")
    routed_complaint(employees=[{"badge": "1003"}])
    routed_complaint(employees=[{"name": "Officer Morales"}])
    routed_complaint(narrative="He took my phone at the bus stop.")
    routed_complaint(employees=[{"car_number": "417"}])
    routed_complaint(employees=[{"name": "Someone Else"}])
    sign_in(client, investigator)
    in_order = []
    monkeypatch.setattr(
        filters, "case_search", lambda words: in_order.append(words) or selectors.case_search(words)
    )
    by_index = sorted(numbers(page_of(client, q=words)))
    assert in_order == []
    monkeypatch.setattr(selectors, "SEARCH_BY_INDEX_LIMIT", 0)  # every search reads in order
    assert sorted(numbers(page_of(client, q=words))) == by_index
    # Nothing found is no more than the limit of 0, so SQLite answers it from the lookup.
    assert in_order == [words] or (connection.vendor == "sqlite" and not by_index)
    assert words == "nobody" or by_index


def test_words_in_most_accounts_are_read_in_order_without_looking_them_all_up(
    client, investigator, monkeypatch
):
    """On PostgreSQL the planner's estimate, from the letters' statistics, spares a search for
    common words the lookup that would find more than the limit: it reads the list in order at
    once. Rare words are still looked up through the indexes."""
    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's planner's")
    for _ in range(12):  # the same account each time: the statistics' commonest value
        routed_complaint(narrative="He took my phone at the bus stop.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE intake_narrativeletters")
    monkeypatch.setattr(selectors, "SEARCH_BY_INDEX_LIMIT", 4)
    sign_in(client, investigator)
    for words, looked_up in [("phone at the bus", False), ("xylophone", True)]:
        with CaptureQueriesContext(connection) as queries:
            found = numbers(page_of(client, q=words))
        assert len(found) == (0 if looked_up else 12)
        assert any("UNION" in query["sql"] for query in queries) is looked_up, words


def test_a_deep_page_takes_as_many_queries_as_the_first(
    client,
    investigator,
    seven,
    monkeypatch,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    sign_in(client, investigator)
    page_of(client)
    with django_assert_max_num_queries(20) as first:
        response = page_of(client)
    baseline = len(first.captured_queries)
    params = link(response, "next")
    page_of(client, **params)
    # One more than the first page: the case the page starts after is looked up.
    for _ in range(3):
        with django_assert_num_queries(baseline + 1):
            deeper = page_of(client, **params)
        params = link(deeper, "next") or link(deeper, "prev")
