"""The PostgreSQL backend's health check asks the socket, not the server."""

import time

import pytest
from django.db import connection, connections

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


def test_a_statement_run_again_and_again_is_prepared_and_planned_for_its_values_each_time():
    """Parsed once per connection; planned for each execution's own values, never with a plan
    made once for any value (which PostgreSQL may pick after five runs, and which doubled the
    staff searches' times)."""
    statement = "SELECT count(*) FROM intake_submission WHERE id = ANY(%s)"
    with connection.cursor() as cursor:
        for ids in ([1], [1, 2], [3], [4, 5, 6], [7], [8], [9], [10]):
            cursor.execute(statement, [ids])
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["SELECT count(*) FROM intake_submission WHERE id = ANY(%"],
        )
        plans = cursor.fetchall()
        cursor.execute("SHOW plan_cache_mode")
        mode = cursor.fetchone()[0]
    assert len(plans) == 1  # prepared
    assert mode == "force_custom_plan"
    generic, custom = plans[0]
    assert generic == 0 and custom >= 3
