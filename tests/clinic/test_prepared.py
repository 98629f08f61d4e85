"""Statements prepared once per connection on PostgreSQL (clinic/prepared.py)."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from clinic import prepared
from clinic.compiled import CompiledQuery
from tests.factories import local, make_booking

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def by_token(token):
    return Booking.objects.filter(token=token).values_list("id", "token", "start")


def test_placeholders_are_numbered_and_percent_signs_unescaped():
    sql = "SELECT strftime('%%s', a) FROM t WHERE b = %s AND c IN (%s, %s) AND d LIKE '50%%'"
    assert prepared.numbered(sql) == (
        "SELECT strftime('%s', a) FROM t WHERE b = $1 AND c IN ($2, $3) AND d LIKE '50%'"
    )


@pytest.fixture
def bookings(db, policy, service, therapist):
    return [
        make_booking(therapist=therapist, service=service, start=local("2026-12-09", hour))
        for hour in ("10:00", "12:00")
    ]


@on_postgresql
def test_a_statement_is_prepared_once_and_run_as_one_query(bookings):
    query = CompiledQuery(by_token, str)
    with CaptureQueriesContext(connection) as ran:
        for booking in bookings * 2:
            assert query.rows(booking.token) == list(by_token(booking.token))
    assert len(ran.captured_queries) == 8  # four of ours, four of the ORM's
    ours = ran.captured_queries[::2]
    assert all(q["sql"].startswith("EXECUTE clinic_") for q in ours)
    assert len({q["sql"].split()[1] for q in ours}) == 1  # one statement


@on_postgresql
def test_a_new_connection_prepares_again(transactional_db, bookings):
    query = CompiledQuery(by_token, str)
    assert query.first(bookings[0].token)[0] == bookings[0].pk
    connection.close()
    assert query.first(bookings[1].token)[0] == bookings[1].pk


@on_postgresql
def test_without_prepared_statements_the_sql_runs_as_it_is(bookings, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    query = CompiledQuery(by_token, str)
    with CaptureQueriesContext(connection) as ran:
        assert query.first(bookings[0].token)[0] == bookings[0].pk
    assert ran.captured_queries[0]["sql"].startswith("SELECT")


def test_placeholders_are_named_in_order_and_percent_signs_kept():
    sql = "SELECT strftime('%%s', a) FROM t WHERE b = %s AND c IN (%s, %s) AND d LIKE '50%%'"
    assert prepared._named(sql) == (
        "SELECT strftime('%%s', a) FROM t WHERE b = %(p1)s AND c IN (%(p2)s, %(p3)s)"
        " AND d LIKE '50%%'",
        ("p1", "p2", "p3"),
    )


on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's placeholders")


def by_token_or_reference(token, reference):
    """Two placeholders, and a constant holding a percent sign."""
    return (
        Booking.objects.filter(Q(token=token) | Q(reference=reference))
        .exclude(name__contains="100%")
        .order_by("pk")
        .values_list("id", "token", "start")
    )


@on_sqlite
def test_sqlite_runs_the_sql_without_djangos_placeholder_rewriting(bookings, monkeypatch):
    from django.db.backends.sqlite3 import base

    class Refused:
        def sub(self, *args):
            raise AssertionError("the statement went through the regular expression")

    query = CompiledQuery(by_token_or_reference, str, str)
    expected = list(by_token_or_reference(bookings[0].token, bookings[1].reference))
    monkeypatch.setattr(base, "FORMAT_QMARK_REGEX", Refused())
    with CaptureQueriesContext(connection) as ran:
        rows = query.rows(bookings[0].token, bookings[1].reference)
    assert rows == expected and len(rows) == 2
    assert len(ran.captured_queries) == 1
    assert ran.captured_queries[0]["sql"].startswith("SELECT")
    assert bookings[0].token in ran.captured_queries[0]["sql"]  # the log shows the values


# --- The backend's health check (clinic/postgresql/base.py) --------------------------------------


def _as_a_request_starts():
    """What Django does to kept connections when a request starts (close_old_connections)."""
    connection.close_if_unusable_or_obsolete()


@on_postgresql
def test_a_kept_connection_is_used_without_asking_the_server(transactional_db, monkeypatch):
    from django.db.backends.postgresql.base import DatabaseWrapper

    asked = []
    monkeypatch.setattr(DatabaseWrapper, "is_usable", lambda self: asked.append(1) or True)
    connection.ensure_connection()
    for _ in range(3):
        _as_a_request_starts()
        assert Booking.objects.count() == 0
    assert asked == []  # no SELECT 1 round trip


@on_postgresql
def test_a_connection_the_server_closed_is_replaced_before_it_is_used(transactional_db):
    import select

    import psycopg2

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        dropped = cursor.fetchone()[0]
    settings_dict = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
    )
    try:
        other.autocommit = True
        other.cursor().execute("SELECT pg_terminate_backend(%s)", [dropped])
    finally:
        other.close()
    # The server's goodbye reaches the socket (a bound, not a sleep: it is usually at once).
    select.select([connection.connection.fileno()], [], [], 5)
    _as_a_request_starts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != dropped
    assert Booking.objects.count() == 0
