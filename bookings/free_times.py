"""Free times for pages, computed from each therapist's and room's days, cached per day.

A therapist's day (working spans, time off and closures, bookings with their cleanup, and how
many sessions start that day) and a room's day (its closures and the clinic's, its bookings)
are read from the database as POSIX seconds and kept in the shared cache, each under its own
version. A booking, move or cancellation bumps only the days it touches, for its therapist and
its room: a booking with Maren leaves Luis's and Hannah's days cached, and "any therapist"
combines every therapist's days. Time off bumps its therapist, a room closure its room; the
clinic's setup (hours, services, therapists, rooms, closures, the policy) bumps everything.

The days are the engine's input, not its answer: notice and horizon are applied on every
request (`availability.free_slots_at`), so nothing here goes stale as the clock moves. A list
may be a moment old across app servers without a shared cache; the check made under the lock
when booking decides (DESIGN.md). Rescheduling (a booking left out) always reads afresh.
"""

from __future__ import annotations

import bisect
import functools
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router

from clinic import prepared
from clinic.cache import bump_versions, versions

from . import availability
from .clinic_setup import SETUP_VERSION
from .models import Booking, Room, RoomClosure, Therapist, TimeOff
from .models.querysets import LONGEST_BOOKING
from .times import clinic_tz

Span = tuple[int, int]
Weekly = Mapping[int, Sequence[tuple[time, time]]]  # weekday -> working hours

# A therapist's day holds the busy spans that meet it or the first hours of the next day: a
# session ends by midnight, and its cleanup (at most two hours) may run past it.
MARGIN = int(timedelta(hours=6).total_seconds())


@dataclass(frozen=True)
class Seconds:
    """A datetime column read as whole POSIX seconds, computed by the database (`EPOCH_SQL`):
    no datetime is built in Python for the rows the engine reads."""

    name: str


# --- Version keys ---------------------------------------------------------------------------


def therapist_key(therapist_id: int) -> str:
    return f"free-t:{therapist_id}"


def room_key(room_id: int) -> str:
    return f"free-r:{room_id}"


def therapist_day_key(therapist_id: int, day: date) -> str:
    return f"free-td:{therapist_id}:{day.isoformat()}"


def room_day_key(room_id: int, day: date) -> str:
    return f"free-rd:{room_id}:{day.isoformat()}"


def days_touched(start: int, end: int, tz: ZoneInfo) -> list[date]:
    """The local dates whose cached day holds the busy span [start, end)."""
    first = datetime.fromtimestamp(start - MARGIN, tz).date()
    last = datetime.fromtimestamp(end - 1, tz).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- Days -------------------------------------------------------------------------------------


@dataclass(slots=True)
class TherapistDay:
    working: list[Span]
    off: list[Span]
    booked: list[Span]
    sessions: int = 0


@dataclass(slots=True)
class RoomDay:
    off: list[Span]
    booked: list[Span]
    sessions: int = 0


@dataclass
class Window:
    """Local dates first..last and their midnights as POSIX seconds (one more at the end)."""

    days: list[date]
    midnights: list[int]

    @classmethod
    def of(cls, first: date, last: date, tz: ZoneInfo) -> Window:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        midnights = [
            int(datetime.combine(day, time.min, tzinfo=tz).timestamp())
            for day in [*days, last + timedelta(days=1)]
        ]
        return cls(days, midnights)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return (
            datetime.fromtimestamp(self.midnights[0], UTC),
            datetime.fromtimestamp(self.midnights[-1] + MARGIN, UTC),
        )

    def indexes(self, start: int, end: int) -> range:
        """The days (as indexes) whose cached day holds [start, end)."""
        first = max(bisect.bisect_right(self.midnights, start - MARGIN) - 1, 0)
        last = min(bisect.bisect_left(self.midnights, end) - 1, len(self.days) - 1)
        return range(first, last + 1)

    def starts_on(self, index: int, start: int) -> bool:
        return self.midnights[index] <= start < self.midnights[index + 1]


class _Spreader:
    """Puts each busy span into every cached day that holds it: `days` are an owner's (a
    therapist's or a room's) days, by index in the window."""

    def __init__(self, window: Window):
        self.midnights = window.midnights
        self.last = len(window.days) - 1

    def indexes(self, start: int, end: int) -> tuple[range, int]:
        """The days that hold [start, end), and the day it starts on (-1 if outside)."""
        midnights, last = self.midnights, self.last
        first = max(bisect.bisect_right(midnights, start - MARGIN) - 1, 0)
        starts_on = bisect.bisect_right(midnights, start) - 1
        return (
            range(first, min(bisect.bisect_left(midnights, end) - 1, last) + 1),
            starts_on if 0 <= starts_on <= last else -1,
        )

    def off(self, days: list | None, span: Span) -> None:
        if days is not None:
            for index in self.indexes(*span)[0]:
                days[index].off.append(span)

    def booked(self, owners: tuple, span: Span) -> None:
        """A booking, in its therapist's days and its room's (either None if not read)."""
        held, starts_on = self.indexes(*span)
        for days in owners:
            if days is not None:
                for index in held:
                    days[index].booked.append(span)
                if starts_on >= 0:
                    days[starts_on].sessions += 1


# Each distinct week of hours, numbered once per process: a day's working spans are worked
# out once per week and date (`_working`), not on every request.
_week_numbers: dict[tuple, int] = {}
_weeks: list[tuple] = []


def _week_number(weekly: Weekly) -> int:
    key = tuple(sorted((weekday, tuple(rows)) for weekday, rows in weekly.items()))
    if key not in _week_numbers:
        _week_numbers[key] = len(_weeks)
        _weeks.append(key)
    return _week_numbers[key]


@functools.lru_cache(maxsize=100_000)
def _working(week: int, day: date, tz: ZoneInfo) -> tuple[Span, ...]:
    return tuple(availability.day_spans(dict(_weeks[week]), day, tz))


def read_days(
    therapists: Sequence[Therapist],
    rooms: Sequence[Room],
    window: Window,
    *,
    weekly: Mapping[int, Weekly],
    closures: Sequence[tuple[datetime, datetime]],
    tz: ZoneInfo,
    exclude: Booking | None = None,
) -> tuple[dict[int, list[TherapistDay]], dict[int, list[RoomDay]]]:
    """The days of `therapists` and `rooms` from the database, in one query whatever the
    window (time off, room closures and bookings together). `closures`: the clinic's (from its
    setup). Each owner's days are listed by their index in `window`."""
    t_days = {}
    for t in therapists:
        week = _week_number(weekly[t.pk])
        t_days[t.pk] = [TherapistDay(list(_working(week, d, tz)), [], []) for d in window.days]
    r_days = {r.pk: [RoomDay([], []) for _ in window.days] for r in rooms}
    if not window.days:
        return t_days, r_days
    rows = read_rows(list(t_days), list(r_days), window, exclude=exclude)
    spread = _Spreader(window)
    for span in _seconds(closures):
        for days in [*t_days.values(), *r_days.values()]:
            spread.off(days, span)
    for owner, a, b in rows.time_off:
        spread.off(t_days.get(owner), (a, b))
    for owner, a, b in rows.room_closures:
        spread.off(r_days.get(owner), (a, b))
    for therapist_id, room_id, a, b in rows.bookings:
        spread.booked((t_days.get(therapist_id), r_days.get(room_id)), (a, b))
    return t_days, r_days


@dataclass
class Rows:
    """What the database holds for some therapists and rooms over a window, in seconds."""

    time_off: list[tuple[int, int, int]]  # therapist, start, end
    room_closures: list[tuple[int, int, int]]  # room, start, end
    bookings: list[tuple[int, int | None, int, int]]  # therapist, room, start, blocked until


def read_rows(ids: list[int], room_ids: list[int], window: Window, *, exclude=None) -> Rows:
    """One query, whatever the window and the team: the time off, the room closures and the
    bookings, as one UNION ALL whose rows say which of the three they are. On PostgreSQL a
    round trip costs more than reading the rows (about 0.4 ms inside a busy request)."""
    if not ids and not room_ids:
        return Rows([], [], [])
    start, end = window.bounds
    periods = [("start", "<", end), ("end", ">", start)]
    parts = [
        (
            Booking,
            [BOOKED, "therapist", "room", Seconds("start"), Seconds("blocked_until")],
            [
                ("status", "<>", Booking.Status.CANCELLED),
                ("start", "<", end),
                ("start", ">", start - LONGEST_BOOKING),
                ("blocked_until", ">", start),
                ("pk", "<>", exclude.pk if exclude is not None else None),
            ],
            [("therapist", ids), ("room", room_ids)],
        )
    ]
    if ids:
        columns = [TIME_OFF, "therapist", None, Seconds("start"), Seconds("end")]
        parts.append((TimeOff, columns, periods, [("therapist", ids)]))
    if room_ids:
        columns = [ROOM_CLOSED, None, "room", Seconds("start"), Seconds("end")]
        parts.append((RoomClosure, columns, periods, [("room", room_ids)]))
    rows = Rows([], [], [])
    for kind, therapist, room, a, b in _select(parts):
        if kind == BOOKED:
            rows.bookings.append((therapist, room, a, b))
        elif kind == TIME_OFF:
            rows.time_off.append((therapist, a, b))
        else:
            rows.room_closures.append((room, a, b))
    return rows


# What a row of read_rows' query is: its first column.
BOOKED, TIME_OFF, ROOM_CLOSED = 0, 1, 2


def _select(parts: list[tuple]) -> list[tuple]:
    """For each (model, columns, conditions, owners) of `parts`: SELECT `columns` FROM
    `model` WHERE `conditions` AND (owner IN ids OR ...), all of them in one UNION ALL, in no
    order, straight from the driver. Written by hand: the ORM would spend longer building
    this statement than the database spends answering it, on every request.

    A column is a field's name, `Seconds`, an int (written as it is) or None (NULL). A
    condition whose value is None is left out. Column names come from the models, values are
    parameters.
    """
    connection = connections[router.db_for_read(parts[0][0])]
    statements, params = [], []
    for model, columns, conditions, owners in parts:
        statements.append(_statement(connection, model, columns, conditions, owners, params))
    with connection.cursor() as cursor:
        # Planned once per connection on PostgreSQL.
        prepared.execute(cursor, " UNION ALL ".join(statements), params)
        return cursor.fetchall()


def _statement(connection, model, columns, conditions, owners, params: list) -> str:
    """One SELECT of `_select`; its parameters are added to `params`."""
    quote, meta = connection.ops.quote_name, model._meta

    def column(name) -> str:
        if name is None:
            return "NULL"
        if isinstance(name, int):
            return str(name)
        if isinstance(name, Seconds):
            field = meta.get_field(name.name).column
            return EPOCH_SQL[connection.vendor].format(column=quote(field))
        return quote(meta.pk.column if name == "pk" else meta.get_field(name).column)

    where = []
    for name, operator, value in conditions:
        if value is not None:
            where.append(f"{column(name)} {operator} %s")
            params.append(_parameter(connection, value))
    either = []
    for name, ids in owners:
        if ids:
            either.append(f"{column(name)} IN ({', '.join(['%s'] * len(ids))})")
            params.extend(ids)
    where.append(f"({' OR '.join(either) or 'FALSE'})")
    # Only names from the model, numbers and placeholders go into the statement; values are
    # parameters.
    selected, table = ", ".join(column(name) for name in columns), quote(meta.db_table)
    return f"SELECT {selected} FROM {table} WHERE {' AND '.join(where)}"  # noqa: S608 # nosec B608


# A datetime column as whole POSIX seconds, for each database the clinic runs on ("%%":
# a literal "%" in a statement with parameters).
EPOCH_SQL = {
    # unixepoch() (SQLite 3.38) reads a month of bookings a fifth faster than strftime('%s').
    "sqlite": (
        "unixepoch({column})"
        if sqlite3.sqlite_version_info >= (3, 38)
        else "CAST(strftime('%%s', {column}) AS INTEGER)"
    ),
    "postgresql": "CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)",
}


def _parameter(connection, value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return str(value) if isinstance(value, str) else value


def _seconds(periods: Sequence[tuple[datetime, datetime]]) -> list[Span]:
    return [(int(a.timestamp()), int(b.timestamp())) for a, b in periods]


def _version_keys(therapists, rooms, window) -> dict:
    keys = {}
    for t in therapists:
        keys[("t", t.pk)] = therapist_key(t.pk)
        for day in window.days:
            keys[("td", t.pk, day)] = therapist_day_key(t.pk, day)
    for r in rooms:
        keys[("r", r.pk)] = room_key(r.pk)
        for day in window.days:
            keys[("rd", r.pk, day)] = room_day_key(r.pk, day)
    return keys


def _entry_keys(setup_version, therapists, rooms, window, found) -> dict:
    """The cache key of every day, made of the versions that can change it."""
    entries = {}
    for t in therapists:
        mine = found[therapist_key(t.pk)]
        for day in window.days:
            daily = found[therapist_day_key(t.pk, day)]
            entries[("t", t.pk, day)] = f"free-day:t:{setup_version}:{t.pk}:{mine}:{day}:{daily}"
    for r in rooms:
        mine = found[room_key(r.pk)]
        for day in window.days:
            daily = found[room_day_key(r.pk, day)]
            entries[("r", r.pk, day)] = f"free-day:r:{setup_version}:{r.pk}:{mine}:{day}:{daily}"
    return entries


def load_days(
    therapists: Sequence[Therapist],
    rooms: Sequence[Room],
    window: Window,
    *,
    weekly: Mapping[int, Weekly],
    closures: Sequence[tuple[datetime, datetime]],
    tz: ZoneInfo,
    setup_version: int | None,
    exclude: Booking | None = None,
):
    """The days of `therapists` and `rooms`: from the cache where current, the rest read in
    one go (`read_days`) and cached. None when the cache cannot be used."""
    if exclude is not None or setup_version is None or not settings.FREE_TIMES_CACHE:
        return None
    found = versions(list(_version_keys(therapists, rooms, window).values()))
    if any(value is None for value in found.values()):
        return None
    entries = _entry_keys(setup_version, therapists, rooms, window, found)
    cached = cache.get_many(list(entries.values()))
    missing_t = [t for t in therapists if _missing(entries, cached, "t", t.pk, window)]
    missing_r = [r for r in rooms if _missing(entries, cached, "r", r.pk, window)]
    t_days, r_days = {}, {}
    if missing_t or missing_r:
        t_days, r_days = read_days(
            missing_t, missing_r, window, weekly=weekly, closures=closures, tz=tz
        )
        fresh = {}
        for kind, read in (("t", t_days), ("r", r_days)):
            for pk, days in read.items():
                fresh |= {entries[(kind, pk, day)]: days[n] for n, day in enumerate(window.days)}
        cache.set_many(fresh, timeout=settings.FREE_TIMES_DAY_SECONDS)
    for kind, owners, into in (("t", therapists, t_days), ("r", rooms, r_days)):
        for owner in owners:
            if owner.pk not in into:
                into[owner.pk] = [cached[entries[(kind, owner.pk, day)]] for day in window.days]
    return t_days, r_days


def _missing(entries, cached, kind, pk, window) -> bool:
    return any(entries[(kind, pk, day)] not in cached for day in window.days)


# --- The engine's input ------------------------------------------------------------------------


@dataclass
class Inputs:
    timelines: list[availability.Timeline]
    load: dict[str, dict[date, int]]
    rooms: availability.RoomsAt | None


def inputs(
    therapists: Sequence[Therapist],
    rooms: Sequence[Room] | None,
    preferred: dict[int, list[int]],
    window: Window,
    *,
    weekly: Mapping[int, Weekly],
    closures: Sequence[tuple[datetime, datetime]],
    tz: ZoneInfo,
    setup_version: int | None,
    exclude: Booking | None = None,
) -> Inputs:
    """The engine's timelines for `therapists` over `window`, and with `rooms` (None: the
    clinic books no rooms) the rooms' timelines and each therapist's preferred rooms."""
    days = load_days(
        therapists,
        rooms or [],
        window,
        weekly=weekly,
        closures=closures,
        tz=tz,
        setup_version=setup_version,
        exclude=exclude,
    )
    if days is None:
        rows = read_rows(
            [t.pk for t in therapists], [r.pk for r in rooms or []], window, exclude=exclude
        )
        t_runs, r_runs = _runs_from_rows(
            therapists, rooms or [], rows, window, weekly, closures, tz
        )
    else:
        t_runs = {pk: _run_of(entries, window) for pk, entries in days[0].items()}
        r_runs = {pk: _run_of(entries, window) for pk, entries in days[1].items()}
    timelines = [
        availability.Timeline(t.slug, t_runs[t.pk].working, t_runs[t.pk].off, t_runs[t.pk].booked)
        for t in therapists
    ]
    load = {t.slug: t_runs[t.pk].sessions for t in therapists}
    return Inputs(timelines, load, _rooms_at(therapists, rooms, preferred, r_runs))


@dataclass(slots=True)
class Run:
    """One therapist's or room's time over the whole window: the engine's input."""

    working: list[tuple[int, int, date]]
    off: list[Span]
    booked: list[Span]
    sessions: dict[date, int]


def _run_of(entries: list, window: Window) -> Run:
    """The cached days of one owner, run together."""
    days = list(zip(window.days, entries, strict=True))
    return Run(
        working=[(o, c, day) for day, entry in days for o, c in getattr(entry, "working", ())],
        off=[span for _, entry in days for span in entry.off],
        booked=[span for _, entry in days for span in entry.booked],
        sessions={day: entry.sessions for day, entry in days if entry.sessions},
    )


def _runs_from_rows(therapists, rooms, rows: Rows, window, weekly, closures, tz):
    """The runs straight from the rows, when nothing is cached: no day-by-day bookkeeping."""
    closed = _seconds(closures)
    t_runs = {}
    for t in therapists:
        week = _week_number(weekly[t.pk])
        working = [(o, c, day) for day in window.days for o, c in _working(week, day, tz)]
        t_runs[t.pk] = Run(working, list(closed), [], {})
    r_runs = {r.pk: Run([], list(closed), [], {}) for r in rooms}
    for owner, a, b in rows.time_off:
        t_runs[owner].off.append((a, b))
    for owner, a, b in rows.room_closures:
        r_runs[owner].off.append((a, b))
    midnights, days = window.midnights, window.days
    for therapist_id, room_id, a, b in rows.bookings:
        index = bisect.bisect_right(midnights, a) - 1
        day = days[index] if 0 <= index < len(days) else None
        for run in (t_runs.get(therapist_id), r_runs.get(room_id)):
            if run is not None:
                run.booked.append((a, b))
                if day is not None:
                    run.sessions[day] = run.sessions.get(day, 0) + 1
    return t_runs, r_runs


def _rooms_at(therapists, rooms, preferred, r_runs) -> availability.RoomsAt | None:
    if rooms is None:
        return None
    order = {room.pk: index for index, room in enumerate(rooms)}
    timelines = [
        availability.RoomTimeline(room.slug, r_runs[room.pk].off, r_runs[room.pk].booked)
        for room in rooms
    ]
    chosen = {
        t.slug: [
            rooms[order[pk]].slug
            for pk in sorted((pk for pk in preferred.get(t.pk, ()) if pk in order), key=order.get)
        ]
        for t in therapists
    }
    load = {room.slug: r_runs[room.pk].sessions for room in rooms}
    return availability.RoomsAt(timelines=timelines, preferred=chosen, load=load)


# --- Keeping the days current -------------------------------------------------------------------


def _booking_keys(therapist_id, room_id, start, end, tz) -> list[str]:
    if start is None or end is None:
        return []
    days = days_touched(int(start.timestamp()), int(end.timestamp()), tz)
    keys = [therapist_day_key(therapist_id, day) for day in days if therapist_id]
    return keys + [room_day_key(room_id, day) for day in days if room_id]


def booking_changed(sender, instance: Booking, **kwargs) -> None:
    """Signal receiver: a booking was made, moved, cancelled or deleted."""
    tz = clinic_tz()
    place = instance.place()
    keys = set(_booking_keys(*place, tz))
    stored = getattr(instance, "stored_place", None)
    if stored is not None and stored != place:
        keys |= set(_booking_keys(*stored, tz))
    bump_versions(sorted(keys))
    instance.stored_place = place


def time_off_changed(sender, instance: TimeOff, **kwargs) -> None:
    bump_versions([therapist_key(instance.therapist_id)])


def room_closure_changed(sender, instance: RoomClosure, **kwargs) -> None:
    bump_versions([room_key(instance.room_id)])


def setup_changed(**kwargs) -> None:
    """Signal receiver: the clinic's setup changed (services, hours, rooms, the policy...)."""
    bump_versions([SETUP_VERSION])


def connect_signals() -> None:
    """Wire the receivers above (BookingsConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import BookingPolicy, Closure, Headshot, RoomFeature, Service, WorkingHours

    def both(receiver, model, name):
        post_save.connect(receiver, sender=model, dispatch_uid=f"free-days-{name}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"free-days-{name}-delete")

    both(booking_changed, Booking, "booking")
    both(time_off_changed, TimeOff, "time-off")
    both(room_closure_changed, RoomClosure, "room-closure")
    for model in (Service, Therapist, WorkingHours, BookingPolicy, Room, RoomFeature, Closure):
        both(setup_changed, model, model._meta.model_name)
    both(setup_changed, Headshot, "headshot")
    for through in (
        Therapist.services.through,
        Therapist.preferred_rooms.through,
        Room.features.through,
        Service.required_features.through,
    ):
        m2m_changed.connect(
            setup_changed, sender=through, dispatch_uid=f"free-days-{through._meta.label}"
        )
