"""Read queries whose SQL the ORM writes once per process, for the busiest pages.

Building a queryset and compiling it to SQL is most of what a small query costs in Django
(about four fifths of a lookup by key on a local database), and a page asks the same
questions on every request, only about other rows. A `CompiledQuery` has the ORM write the
SQL once per database, from a values_list() queryset built with placeholders; each run binds
the new values, runs the SQL (prepared once per connection on PostgreSQL: clinic/prepared.py)
and converts the columns with the ORM's own converters, so it returns what the queryset would.

Placeholders are text or integers compared as they are (an exact lookup, a foreign key's id);
compiling checks that each reaches the SQL unchanged, once. The queryset is built once, so it
must not read anything that changes between runs, such as the clock or a setting.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from enum import Enum

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DEFERRED, QuerySet

from . import prepared

# Placeholder values no real row or constant of ours uses (integers within a 32-bit key).
_TEXT_MARK = "\x1fcompiled-query-{}\x1f"
_INT_MARK = 2_147_480_000


def _marks(kinds: tuple[type, ...]) -> list:
    marks = []
    for number, kind in enumerate(kinds):
        if kind is str:
            marks.append(_TEXT_MARK.format(number))
        elif kind is int:
            marks.append(_INT_MARK + number)
        else:
            raise ImproperlyConfigured(f"A compiled query's placeholders are str or int: {kind}")
    return marks


def fields_of(model, names=None, *, exclude=()) -> tuple[str, ...]:
    """The attribute names of `model`'s columns (those in `names`, or all but `exclude`), in
    the model's order, as `instance` needs them."""
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if (names is None or field.attname in names) and field.attname not in exclude
    )


def instance(model, fields: tuple[str, ...], values):
    """A `model` instance from a row of `fields` (from `fields_of`): the others are deferred,
    loaded on first use like `only()`'s."""
    places, width = _places(model, fields)
    if len(places) == width:
        return model.from_db(DEFAULT_DB_ALIAS, fields, values)
    # The row written out to every column, deferred ones marked, as `from_db` would: it tests
    # each of the model's fields against `fields` on every call.
    row = [DEFERRED] * width
    for place, value in zip(places, values, strict=True):
        row[place] = value
    return model.from_db(DEFAULT_DB_ALIAS, fields, row)


@functools.cache
def _places(model, fields: tuple[str, ...]) -> tuple[tuple[int, ...], int]:
    """Where each of `fields` stands among `model`'s columns, and how many columns it has."""
    names = [field.attname for field in model._meta.concrete_fields]
    return tuple(names.index(name) for name in fields), len(names)


class CompiledQuery:
    """`build(*placeholders)` returns a values_list() queryset; `kinds` are the placeholders'
    types (str or int). `rows(*values)` returns its rows for those values, as tuples: its
    fields' columns, then its annotations' in the order annotated (as Django selects them;
    list annotations last and in that order, and the queryset returns the same)."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        self.build = build
        self.kinds = kinds
        self._compiled: dict[tuple[str, str], tuple] = {}

    def rows(self, *values, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        connection = connections[using]
        compiled = self._compiled.get((using, connection.vendor))
        if compiled is None:
            compiled = self._compiled[using, connection.vendor] = self._compile(using)
        sql, params, slots, compiler, converters = compiled
        params = list(params)
        for slot, kind, value in zip(slots, self.kinds, values, strict=True):
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TypeError(f"{value!r} is not a {kind.__name__}")
            params[slot] = value
        with connection.cursor() as cursor:
            prepared.execute(cursor, sql, params)
            rows = cursor.fetchall()
        if converters:  # the ORM's own, as the queryset would apply them
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def first(self, *values, using: str = DEFAULT_DB_ALIAS) -> tuple | None:
        rows = self.rows(*values, using=using)
        return rows[0] if rows else None

    def _compile(self, using: str) -> tuple:
        marks = _marks(self.kinds)
        queryset = self.build(*marks)
        if not queryset.query.values_select:
            raise ImproperlyConfigured("A compiled query is a values_list() queryset.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if compiler.has_extra_select:
            raise ImproperlyConfigured("A compiled query selects only the columns it returns.")
        slots = []
        for mark in marks:
            found = [n for n, p in enumerate(params) if type(p) is type(mark) and p == mark]
            if len(found) != 1:
                raise ImproperlyConfigured(
                    f"A compiled query's placeholder must reach its SQL once, as it is: {sql}"
                )
            slots.append(found[0])
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        sql, params, slots = _constants_written(connections[using], sql, params, slots)
        return sql, tuple(params), tuple(slots), compiler, converters


_PARAMETER = re.compile(r"%[s%]")


def _constants_written(connection, sql: str, params, slots) -> tuple[str, list, list]:
    """The statement with its constant parameters (the queryset's own text and integers,
    such as a status) written into it as literals, and the placeholders' new positions.

    A constant is the same on every run, and the databases answer faster when they see it:
    SQLite took five times longer over the booking page's query with its statuses bound as
    parameters. The values come from our querysets, never from a request, and are quoted
    by the database's own schema editor; the placeholders stay parameters.
    """
    kept, new_slots, pieces, index, at = [], [], [], 0, 0
    connection.ensure_connection()  # PostgreSQL quotes for the connection's encoding
    quote = connection.schema_editor().quote_value
    for match in _PARAMETER.finditer(sql):
        if match.group() == "%%":
            continue
        pieces.append(sql[at : match.start()])
        value = params[index]
        if isinstance(value, Enum):
            value = value.value
        if index not in slots and type(value) in (str, int):
            pieces.append(quote(value).replace("%", "%%"))
        else:
            if index in slots:
                new_slots.append(len(kept))
            kept.append(value)
            pieces.append("%s")
        at = match.end()
        index += 1
    pieces.append(sql[at:])
    # The placeholders in their order in `slots` (as the kinds are given).
    order = {old: new for old, new in zip(sorted(slots), new_slots, strict=True)}
    return "".join(pieces), kept, [order[slot] for slot in slots]
