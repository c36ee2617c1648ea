"""The PostgreSQL backend's health check asks the socket, not the server; repeated statements
are prepared, and planned for their values where a staff page runs them (or where a partial
index must be usable by any plan); the queue of waiting submissions is read entry by entry;
the notices, a table that grows from empty, planned each time; short lists are read without a
server-side cursor."""

import itertools
import re
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from intake.models import Submission
from notices.models import Notice
from notices.services import notices_send
from ops.postgresql.planning import planned_for_values, read_entry_by_entry
from routing.services import ROUTE_BATCH, _first_hand, _waiting_to_route, sweep, waiting_route
from tests.factories import complaint
from tests.staff import sign_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


@pytest.fixture
def kept():
    """A second connection to the test database, kept between requests as CONN_MAX_AGE keeps
    one, with its backend's pid."""
    wrapper = connections.create_connection("default")
    assert wrapper.settings_dict["CONN_HEALTH_CHECKS"]
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), 'the last statement before the check'")
        pid = cursor.fetchone()[0]
    wrapper.health_check_done = False  # what the end of a request does
    yield wrapper, pid
    wrapper.close()


def last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_healthy_kept_connection_is_checked_without_a_round_trip(kept):
    wrapper, pid = kept
    wrapper.close_if_health_check_failed()
    assert wrapper.connection is not None
    assert "the last statement before the check" in last_statement(pid)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid


def test_a_connection_the_server_cut_is_noticed_and_opened_again(kept):
    wrapper, pid = kept
    with connection.cursor() as cursor:  # what a restart does to every other connection
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the server's goodbye reaches the socket
    wrapper.close_if_health_check_failed()
    assert wrapper.connection is None
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def prepared(prefix: str) -> tuple[int, int]:
    """Generic and custom plans of the one prepared statement beginning with `prefix`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [prefix.replace("%", "\\%") + "%"],
        )
        plans = cursor.fetchall()
    assert len(plans) == 1  # prepared
    return plans[0]


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def test_a_statement_run_again_and_again_is_prepared_and_may_keep_one_plan():
    """Parsed once per connection; PostgreSQL decides (its default) whether to keep a plan
    made for any value, as it does for the public flow's and the worker's statements."""
    statement = "SELECT count(*) FROM intake_submission WHERE id = %s"
    with connection.cursor() as cursor:
        for pk in range(1, 21):
            cursor.execute(statement, [pk])
    generic, custom = prepared("SELECT count(*) FROM intake_submission WHERE id = $1")
    assert plan_cache_mode() == "auto"
    assert custom == 5 and generic > 0  # five planned for their values, then one for any


def test_inside_planned_for_values_every_execution_is_planned_for_its_values():
    """What a staff page runs in: each search planned for the word searched, never with a plan
    made for any value (which doubled the staff searches' times at 100,000 cases)."""
    statement = "SELECT count(*) FROM intake_submission WHERE id = ANY(%s)"
    with planned_for_values():
        assert plan_cache_mode() == "force_custom_plan"
        with connection.cursor() as cursor:
            for pk in range(1, 21):
                cursor.execute(statement, [[pk, pk + 1]])
    assert plan_cache_mode() == "auto"
    generic, custom = prepared("SELECT count(*) FROM intake_submission WHERE id = ANY($1)")
    assert generic == 0 and custom > 5


def test_a_page_that_fails_inside_leaves_its_connection_as_it_found_it():
    with pytest.raises(ZeroDivisionError), planned_for_values(), transaction.atomic():
        Submission.objects.count()
        1 / 0  # noqa: B018
    assert plan_cache_mode() == "auto"


def test_a_staff_page_runs_its_statements_planned_for_their_values(client, investigator):
    """The statements of a staff page's view see force_custom_plan (asked of the driver's own
    connection beside each); the session and the user are read before, with the default, as
    are the public pages' statements and whatever comes after."""
    modes: dict[str, set[str]] = {}

    def seen(execute, sql, params, many, context):
        mode = context["connection"].connection.execute("SHOW plan_cache_mode").fetchone()[0]
        for table in ("django_session", "cases_case"):
            if table in sql:
                modes.setdefault(table, set()).add(mode)
        return execute(sql, params, many, context)

    sign_in(client, investigator)
    with connection.execute_wrapper(seen):
        assert client.get(reverse("workspace:home")).status_code == 200
        client.get(reverse("intake:status", args=["no-such-token"]))
        Submission.objects.count()
        assert plan_cache_mode() == "auto"
    assert modes == {"django_session": {"auto"}, "cases_case": {"force_custom_plan"}}


def test_the_case_list_reads_its_choices_without_a_server_side_cursor(client, investigator):
    """The filters' queues, staff and units are short lists, each read in one plain query
    (ops.forms.ListedChoices): through Django's iterator() each took a server-side cursor,
    three round trips. Nothing on the page needs one."""
    read: list[tuple[str, bool]] = []

    def seen(execute, sql, params, many, context):
        read.append((sql, isinstance(context["cursor"].cursor, psycopg.ServerCursor)))
        return execute(sql, params, many, context)

    sign_in(client, investigator)
    with connection.execute_wrapper(seen):
        assert client.get(reverse("cases:list")).status_code == 200
    for table in ("routing_queue", "auth_user", "directory_unit"):
        assert any(f'FROM "{table}"' in sql for sql, _cursor in read), table
    assert [sql for sql, declared in read if declared] == []


def generic_plan(queryset) -> str:
    """The plan PostgreSQL makes for any value of the query's parameters (what it may keep
    after five executions of a prepared statement)."""
    sql, params = queryset.query.sql_with_params()
    number = itertools.count(1)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("PREPARE probe AS " + re.sub("%s", lambda _: f"${next(number)}", sql))
        cursor.execute(
            connection.ops.compose_sql(
                f"EXPLAIN EXECUTE probe({', '.join(['%s'] * len(params))})", params
            )
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute("DEALLOCATE probe")
    return plan


def test_any_plan_of_the_routing_drains_read_uses_the_index_of_waiting_submissions():
    """With the states as parameters, a plan for any value could not use the partial index:
    it read every routed submission (67 ms at 30,000, against 0.3)."""
    with transaction.atomic():
        plan = generic_plan(_first_hand(_waiting_to_route())[:ROUTE_BATCH])
        assert "submission_waiting" in plan
        sweeper = _first_hand(_waiting_to_route().filter(received_at__lt=timezone.now()))
        assert "submission_waiting" in generic_plan(sweeper.values("pk")[:1])


def bitmap_scans() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        return cursor.fetchone()[0]


def test_the_drain_and_the_sweeper_read_the_waiting_submissions_entry_by_entry():
    """Routing a submission leaves its entry in `submission_waiting` until VACUUM. An index
    scan marks such entries dead as it passes them; a bitmap scan, which PostgreSQL chose
    before the table was analyzed, visited every one of them at each drain (8 ms at 16,000)."""
    for _ in range(3):
        complaint()
    settings_seen = []

    def wrapper(execute, sql, params, many, context):
        if sql.startswith("SELECT") and "SKIP LOCKED" in sql and '"intake_submission"' in sql:
            raw = context["connection"].connection
            settings_seen.append(raw.execute("SHOW enable_bitmapscan").fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert waiting_route() == 3
        sweep(older_than=timedelta(0))
    # the drain's batch; the sweeper's list and its look for one left waiting too long
    assert settings_seen == ["off"] * 3


@pytest.mark.django_db(transaction=True)
def test_reading_entry_by_entry_lasts_as_long_as_the_transaction():
    with transaction.atomic():
        read_entry_by_entry()
        plan = _first_hand(_waiting_to_route())[:ROUTE_BATCH].explain()
        assert "Bitmap" not in plan and "submission_waiting" in plan
    assert bitmap_scans() == "on"


def test_sending_plans_its_statements_each_time_where_others_are_prepared():
    """A plan kept from the notices table's first minute, while it was small, stayed after it
    had grown (a whole-table scan, 25 ms a read at 40,000 notices)."""
    for number in range(7):
        complaint(submitter_email=f"resident{number}@example.com")
    waiting_route()
    acknowledgements = Notice.objects.filter(kind=Notice.Kind.ACKNOWLEDGEMENT)
    assert acknowledgements.count() == 7
    for notice in acknowledgements:  # the same three statements seven times
        assert notices_send(notice_ids=[notice.pk]) == {notice.pk: Notice.State.SENT}
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('"intake_submission"' in statement for statement in prepared)  # routing's
    assert not [statement for statement in prepared if "routing_notice" in statement]
