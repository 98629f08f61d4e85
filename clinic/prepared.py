"""The busiest statements, run the cheapest way each database offers: planned once per
connection on PostgreSQL, with named placeholders on SQLite.

psycopg2 sends each statement as text, and PostgreSQL plans it afresh: for the booking page's
one query, planning took 0.45 ms and running it 0.13 ms. The busiest statements (the compiled
queries of clinic/compiled.py, the free times' reads) go through `execute`, which on
PostgreSQL prepares a statement the first time a connection meets it (`PREPARE`, outside
Django's query log, as setup) and then runs it with `EXECUTE`, which the log and the query
counts see as one query, as before.

On SQLite, Django's cursor turns each statement's `%s` placeholders into `?` with a regular
expression on every run: 26 microseconds for the booking page's query, more than SQLite takes
to answer it. `execute` writes the statement with named placeholders once (`%(p1)s`, which
Django turns into `:p1` by plain string formatting) and passes the values by name. Other
databases run the statement as it is.

Prepared statements belong to the database session: they are kept per connection (a new
connection prepares again) and survive rollbacks. Behind a pooler that shares sessions
between clients (PgBouncer in transaction mode), set DATABASE_PREPARED_STATEMENTS=0.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.conf import settings

# Statements prepared per connection at most: the shapes of a few busy reads.
MAX_PREPARED = 100
_PLACEHOLDER = re.compile(r"%([s%])")


def execute(cursor, sql: str, params: list | tuple) -> None:
    """`cursor.execute(sql, params)`, prepared once per connection on PostgreSQL."""
    connection = cursor.db
    if connection.vendor == "sqlite":
        named, names = _named(sql)
        cursor.execute(named, dict(zip(names, params, strict=True)) if names else params)
        return
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    names = _prepared_on(connection)
    name = names.get(sql)
    if name is None:
        if len(names) >= MAX_PREPARED:
            cursor.execute(sql, params)
            return
        name = f"clinic_{len(names) + 1}"
        with connection.wrap_database_errors, connection.connection.cursor() as raw:
            raw.execute(f"PREPARE {name} AS {numbered(sql)}")
        names[sql] = name
    if params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


def _rewritten(sql: str, placeholder: Callable[[int], str], percent: str) -> tuple[str, int]:
    """A statement written for Django's cursors (`%s` placeholders, `%%` for "%"), with the
    n-th placeholder (from 1) as `placeholder(n)` and each `%%` as `percent`; and how many
    placeholders it has."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        if match.group(1) == "%":
            return percent
        count += 1
        return placeholder(count)

    rewritten = _PLACEHOLDER.sub(replace, sql)
    return rewritten, count


def numbered(sql: str) -> str:
    """The statement as PREPARE wants it: $1, $2, ... and a plain "%"."""
    return _rewritten(sql, lambda n: f"${n}", "%")[0]


@functools.lru_cache(maxsize=MAX_PREPARED)
def _named(sql: str) -> tuple[str, tuple[str, ...]]:
    """The statement with named placeholders (`%(p1)s`, ...; `%%` kept, as Django formats
    it) and their names in order."""
    named, count = _rewritten(sql, lambda n: f"%(p{n})s", "%%")
    return named, tuple(f"p{n}" for n in range(1, count + 1))


def _prepared_on(connection) -> dict[str, str]:
    """The statements prepared on `connection`'s current database session, by their text."""
    raw = connection.connection
    state = getattr(connection, "_clinic_prepared", None)
    if state is None or state[0] is not raw:
        state = connection._clinic_prepared = (raw, {})
    return state[1]
