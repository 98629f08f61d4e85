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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, Func, Q

from clinic.cache import bump_versions, versions

from . import availability
from .clinic_setup import SETUP_VERSION
from .models import Booking, Room, RoomClosure, Therapist, TimeOff
from .times import clinic_tz

Span = tuple[int, int]
Weekly = Mapping[int, Sequence[tuple[time, time]]]  # weekday -> working hours

# A therapist's day holds the busy spans that meet it or the first hours of the next day: a
# session ends by midnight, and its cleanup (at most two hours) may run past it.
MARGIN = int(timedelta(hours=6).total_seconds())


class Epoch(Func):
    """A datetime column as whole POSIX seconds, computed by the database: no datetime is
    built in Python for the rows the engine reads."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # "%%%%s": the template's "%" and then the SQLite backend's own "%" escaping.
        template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        return self.as_sql(compiler, connection, template=template, **extra)


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


@dataclass
class TherapistDay:
    working: list[Span]
    off: list[Span]
    booked: list[Span]
    sessions: int = 0


@dataclass
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
    """Puts each busy span into every cached day that holds it."""

    def __init__(self, window: Window, t_days: dict, r_days: dict):
        self.window, self.t_days, self.r_days = window, t_days, r_days

    def add(self, days: dict, owner: int, span: Span, *, booked: bool = False) -> None:
        window = self.window
        for index in window.indexes(*span):
            day = days[(owner, window.days[index])]
            if booked:
                day.booked.append(span)
                day.sessions += window.starts_on(index, span[0])
            else:
                day.off.append(span)

    def add_closure(self, span: Span) -> None:
        for days in (self.t_days, self.r_days):
            for owner in {owner for owner, _ in days}:
                self.add(days, owner, span)


def read_days(
    therapists: Sequence[Therapist],
    rooms: Sequence[Room],
    window: Window,
    *,
    weekly: Mapping[int, Weekly],
    closures: Sequence[tuple[datetime, datetime]],
    tz: ZoneInfo,
    exclude: Booking | None = None,
) -> tuple[dict[tuple[int, date], TherapistDay], dict[tuple[int, date], RoomDay]]:
    """The days of `therapists` and `rooms` from the database, in three queries whatever the
    window: time off, room closures, bookings. `closures`: the clinic's (from its setup)."""
    if not window.days:
        return {}, {}
    start, end = window.bounds
    t_days = {
        (t.pk, day): TherapistDay(availability.day_spans(weekly[t.pk], day, tz), [], [])
        for t in therapists
        for day in window.days
    }
    r_days = {(r.pk, day): RoomDay([], []) for r in rooms for day in window.days}
    ids, room_ids = [t.pk for t in therapists], [r.pk for r in rooms]
    spreader = _Spreader(window, t_days, r_days)
    for a, b in closures:
        spreader.add_closure((int(a.timestamp()), int(b.timestamp())))
    time_off = TimeOff.objects.overlapping(start, end).filter(therapist__in=ids).order_by()
    for owner, a, b in time_off.values_list("therapist_id", Epoch("start"), Epoch("end")):
        spreader.add(t_days, owner, (a, b))
    if room_ids:
        closed = RoomClosure.objects.overlapping(start, end).filter(room__in=room_ids).order_by()
        for owner, a, b in closed.values_list("room_id", Epoch("start"), Epoch("end")):
            spreader.add(r_days, owner, (a, b))
    for therapist_id, room_id, a, b in _bookings(ids, room_ids, start, end, exclude):
        if (therapist_id, window.days[0]) in t_days:
            spreader.add(t_days, therapist_id, (a, b), booked=True)
        if (room_id, window.days[0]) in r_days:
            spreader.add(r_days, room_id, (a, b), booked=True)
    return t_days, r_days


def _bookings(ids, room_ids, start, end, exclude) -> Iterable[tuple]:
    bookings = Booking.objects.active().overlapping(start, end)
    bookings = bookings.filter(Q(therapist__in=ids) | Q(room__in=room_ids))
    if exclude is not None:
        bookings = bookings.exclude(pk=exclude.pk)
    # In no order: the engine sorts what it needs.
    return bookings.order_by().values_list(
        "therapist_id", "room_id", Epoch("start"), Epoch("blocked_until")
    )


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
    one go (`read_days`) and cached. Without a usable cache, all read."""
    if exclude is not None or setup_version is None or not settings.FREE_TIMES_CACHE:
        return read_days(
            therapists, rooms, window, weekly=weekly, closures=closures, tz=tz, exclude=exclude
        )
    found = versions(list(_version_keys(therapists, rooms, window).values()))
    if any(value is None for value in found.values()):
        return read_days(therapists, rooms, window, weekly=weekly, closures=closures, tz=tz)
    entries = _entry_keys(setup_version, therapists, rooms, window, found)
    cached = cache.get_many(list(entries.values()))
    missing_t = {
        t for t in therapists for d in window.days if entries[("t", t.pk, d)] not in cached
    }
    missing_r = {r for r in rooms for d in window.days if entries[("r", r.pk, d)] not in cached}
    t_days, r_days = {}, {}
    if missing_t or missing_r:
        t_days, r_days = read_days(
            list(missing_t), list(missing_r), window, weekly=weekly, closures=closures, tz=tz
        )
        fresh = {entries[("t", pk, day)]: value for (pk, day), value in t_days.items()}
        fresh |= {entries[("r", pk, day)]: value for (pk, day), value in r_days.items()}
        cache.set_many(fresh, timeout=settings.FREE_TIMES_DAY_SECONDS)
    for t in therapists:
        for day in window.days:
            t_days.setdefault((t.pk, day), cached.get(entries[("t", t.pk, day)]))
    for r in rooms:
        for day in window.days:
            r_days.setdefault((r.pk, day), cached.get(entries[("r", r.pk, day)]))
    return t_days, r_days


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
    t_days, r_days = load_days(
        therapists,
        rooms or [],
        window,
        weekly=weekly,
        closures=closures,
        tz=tz,
        setup_version=setup_version,
        exclude=exclude,
    )
    timelines, load = [], defaultdict(dict)
    for t in therapists:
        days = [(day, t_days[(t.pk, day)]) for day in window.days]
        timelines.append(
            availability.Timeline(
                key=t.slug,
                working=[(o, c, day) for day, entry in days for o, c in entry.working],
                off=[span for _, entry in days for span in entry.off],
                booked=[span for _, entry in days for span in entry.booked],
            )
        )
        load[t.slug] = {day: entry.sessions for day, entry in days if entry.sessions}
    return Inputs(timelines, load, _rooms_at(therapists, rooms, preferred, r_days, window))


def _rooms_at(therapists, rooms, preferred, r_days, window) -> availability.RoomsAt | None:
    if rooms is None:
        return None
    order = {room.pk: index for index, room in enumerate(rooms)}
    timelines, load = [], {}
    for room in rooms:
        days = [(day, r_days[(room.pk, day)]) for day in window.days]
        timelines.append(
            availability.RoomTimeline(
                key=room.slug,
                off=[span for _, entry in days for span in entry.off],
                booked=[span for _, entry in days for span in entry.booked],
            )
        )
        load[room.slug] = {day: entry.sessions for day, entry in days if entry.sessions}
    chosen = {
        t.slug: [
            rooms[order[pk]].slug
            for pk in sorted((pk for pk in preferred.get(t.pk, ()) if pk in order), key=order.get)
        ]
        for t in therapists
    }
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
