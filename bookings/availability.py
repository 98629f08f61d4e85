"""The availability engine: free start times from schedules, as pure functions.

No ORM and no clock in here: callers load plain values (see `bookings.schedules`) and pass
`now`. Weekly hours are wall-clock times in the clinic's zone, expanded per local date with
zoneinfo, so the days on which daylight saving time starts or ends get the right slots.
Busy intervals (time off, closures, bookings widened by their cleanup time) are half-open
`[start, end)` aware datetimes.

This is the engine on aware datetimes; the work is done on POSIX seconds by `bookings.spans`
(re-exported here), which callers holding ints may use directly. Durations and the step
must be whole seconds, and wall times' microseconds are ignored; busy intervals and `now`
may have microseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .spans import (
    Busy,
    RoomsAt,
    RoomTimeline,
    Span,
    Timeline,
    day_spans,
    free_slots_at,
    free_starts_at,
    room_order,
    working_spans,
)

__all__ = [
    "Interval",
    "RoomSchedule",
    "RoomTimeline",
    "Rooms",
    "RoomsAt",
    "Rules",
    "Schedule",
    "Slot",
    "Span",
    "Timeline",
    "choose_room",
    "clashes_with_bookings",
    "day_spans",
    "free_slots",
    "free_slots_at",
    "free_starts",
    "free_starts_at",
    "local_datetime",
    "timeline_of",
    "why_unavailable",
    "working_intervals",
    "working_spans",
]

Interval = tuple[datetime, datetime]

_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Rules:
    """The booking policy's figures the engine needs."""

    step: timedelta = timedelta(minutes=15)
    notice: timedelta = timedelta(hours=2)
    horizon: timedelta = timedelta(days=60)


@dataclass
class Schedule:
    """One therapist's week and commitments.

    `weekly` maps a weekday (0 = Monday) to its working intervals as local times; several
    intervals on one day make breaks. `off` holds time off and closures; `booked` holds
    existing active bookings already widened by their cleanup time.
    """

    key: str
    weekly: Mapping[int, Sequence[tuple[time, time]]]
    off: list[Interval] = field(default_factory=list)
    booked: list[Interval] = field(default_factory=list)


@dataclass
class RoomSchedule:
    """A treatment room's commitments: its own closures and the clinic's (`off`), and the
    bookings in it, widened by their cleanup time (`booked`). A room keeps no hours of its
    own: it can be used whenever a therapist works and it is free, session and cleanup.
    Its timeline is worked out on the first question; set `_busy` to None after changing
    `off` or `booked`."""

    key: str
    off: list[Interval] = field(default_factory=list)
    booked: list[Interval] = field(default_factory=list)

    def __post_init__(self):
        self._busy: RoomTimeline | None = None

    def timeline(self) -> RoomTimeline:
        """The room as ints, for `RoomsAt`."""
        if self._busy is None:
            self._busy = RoomTimeline(
                self.key, off=spans_of(self.off), booked=spans_of(self.booked)
            )
        return self._busy

    def is_free(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) (a session with its cleanup) meets nothing in the room."""
        # Rounded outwards to whole seconds: exact when either the question or the room's
        # times are whole seconds, and otherwise never calls a busy room free.
        return self.timeline().is_free(_floor(start), _ceil(end))


@dataclass(frozen=True)
class Slot:
    """A free session: start and end in UTC, the therapist's key and the room's (None when
    the clinic does not book rooms)."""

    start: datetime
    end: datetime
    therapist: str
    room: str | None = None


def choose_room(
    rooms: Sequence[RoomSchedule],
    start: datetime,
    end: datetime,
    *,
    preferred: Sequence[str] = (),
    load: Mapping[str, int] | None = None,
) -> str | None:
    """The room for a session and its cleanup [start, end): the therapist's preferred rooms
    first (in their order), then the room least used that day, then the first in `rooms`.
    None when no room is free."""
    order = room_order([room.key for room in rooms], preferred=preferred, load=load or {})
    return next((rooms[i].key for i in order if rooms[i].is_free(start, end)), None)


def local_datetime(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The aware instant of a wall-clock time on a local date.

    A wall time that does not exist (inside the spring-forward gap) moves forward by the
    length of the gap; an ambiguous one (in the autumn repeat) takes its first occurrence.
    """
    # fold=0 reads a time in the gap with the offset before it (02:30 MST on the spring day),
    # which the round trip through UTC turns into the instant after the gap (03:30 MDT).
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def working_intervals(schedule: Schedule, first: date, last: date, tz: ZoneInfo) -> list[Interval]:
    """Working intervals (in UTC) of every local date from `first` to `last` inclusive, in order."""
    # Overlapping rows of one day count as one stretch of work (see `day_spans`).
    return [
        (_utc(opens), _utc(closes))
        for opens, closes, _ in working_spans(schedule.weekly, first, last, tz)
    ]


def timeline_of(schedule: Schedule, first: date, last: date, tz: ZoneInfo) -> Timeline:
    """The schedule as ints, with its working spans of the local dates `first` to `last`."""
    return Timeline(
        key=schedule.key,
        working=working_spans(schedule.weekly, first, last, tz),
        off=spans_of(schedule.off),
        booked=spans_of(schedule.booked),
    )


def spans_of(intervals: Iterable[Interval]) -> list[Span]:
    """Aware intervals as spans of whole seconds, rounded outwards: for whole-second starts
    and ends, the same intervals meet them."""
    floor, ceil = math.floor, math.ceil
    return [(floor(start.timestamp()), ceil(end.timestamp())) for start, end in intervals]


def _floor(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def _ceil(moment: datetime) -> int:
    return math.ceil(moment.timestamp())


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _seconds(length: timedelta) -> int:
    seconds, rest = divmod(length, _SECOND)
    if rest:
        raise ValueError(f"The availability engine counts whole seconds, not {length}.")
    return seconds


def _figures(*, duration, buffer, now, rules) -> dict[str, int]:
    """The integer engine's figures for a datetime question."""
    return {
        "duration": _seconds(duration),
        "buffer": _seconds(buffer),
        "step": _seconds(rules.step),
        "earliest": _ceil(now + rules.notice),  # starts are whole seconds
        "latest": _floor(now + rules.horizon),
    }


def free_starts(
    schedule: Schedule,
    *,
    duration: timedelta,
    buffer: timedelta,
    first: date,
    last: date,
    now: datetime,
    rules: Rules,
    tz: ZoneInfo,
) -> list[datetime]:
    """Free start times (aware, in UTC) for a session of `duration` plus `buffer` cleanup.

    A start is free when the session lies inside one working interval, starts on the step grid
    counted from the interval's opening, does not meet time off or a closure, and the session
    with its cleanup does not meet an existing booking's blocked time. It must be at least
    `rules.notice` after `now` and no later than `rules.horizon` after it.
    """
    starts = free_starts_at(
        timeline_of(schedule, first, last, tz),
        **_figures(duration=duration, buffer=buffer, now=now, rules=rules),
    )
    return [_utc(start) for start in starts]


@dataclass(frozen=True)
class Rooms:
    """The rooms a service may use (suitable and active), each therapist's preferred rooms,
    and how many sessions each room holds per local day (to spread them)."""

    schedules: Sequence[RoomSchedule]
    preferred: Mapping[str, Sequence[str]] = field(default_factory=dict)
    load: Mapping[str, Mapping[date, int]] = field(default_factory=dict)
    _orders: dict = field(default_factory=dict, compare=False, repr=False)
    _orders_at: dict = field(default_factory=dict, compare=False, repr=False)

    def choose(self, therapist: str, start: datetime, end: datetime, day: date) -> str | None:
        """A free room for `therapist`'s session and cleanup [start, end) on local `day`."""
        order = self._orders.get((therapist, day))
        if order is None:
            # The order of preference is the same all day: work it out once per day.
            ranked = room_order(
                [room.key for room in self.schedules],
                preferred=self.preferred.get(therapist, ()),
                load={key: days.get(day, 0) for key, days in self.load.items()},
            )
            order = self._orders[(therapist, day)] = [self.schedules[i] for i in ranked]
        return next((room.key for room in order if room.is_free(start, end)), None)

    def at(self) -> RoomsAt:
        """The same rooms as ints (each asked afresh for its timeline), sharing the orders of
        preference worked out so far."""
        timelines = [room.timeline() for room in self.schedules]
        return RoomsAt(timelines, self.preferred, self.load, _orders=self._orders_at)


def free_slots(
    schedules: Sequence[Schedule],
    *,
    duration: timedelta,
    buffer: timedelta,
    first: date,
    last: date,
    now: datetime,
    rules: Rules,
    tz: ZoneInfo,
    load: Mapping[str, Mapping[date, int]] | None = None,
    rooms: Rooms | None = None,
) -> list[Slot]:
    """Free slots across several therapists, one per start time, in time order.

    When several therapists are free at one time, the slot goes to the one with the fewest
    sessions that local day (`load`), then to the earlier schedule in `schedules`, which
    spreads a day's work across the team. With `rooms`, a start is free only when a room is
    free for the session and its cleanup too, and the slot names the room chosen.
    """
    found = free_slots_at(
        [timeline_of(schedule, first, last, tz) for schedule in schedules],
        **_figures(duration=duration, buffer=buffer, now=now, rules=rules),
        load=load,
        rooms=rooms.at() if rooms is not None else None,
    )
    slots = []
    for start, therapist, room in found:
        begins = _utc(start)
        slots.append(Slot(begins, begins + duration, therapist, room))
    return slots


def why_unavailable(
    schedule: Schedule,
    start: datetime,
    *,
    duration: timedelta,
    buffer: timedelta,
    now: datetime,
    rules: Rules,
    tz: ZoneInfo,
) -> str | None:
    """Why `start` cannot be booked with this therapist, as a code; None when it is free.

    Codes, in the order checked: "past", "notice", "horizon", "hours" (outside working
    hours or across a break), "off_grid", "time_off" (time off or a closure), "booked".
    Whether a room is free is asked separately (`Rooms.choose`): it is the same for every
    therapist.
    """
    start = start.astimezone(UTC)
    end = start + duration
    if start < now:
        return "past"
    if start < now + rules.notice:
        return "notice"
    if start > now + rules.horizon:
        return "horizon"
    day = start.astimezone(tz).date()
    # A session may not run past midnight, so the intervals of its own day suffice.
    containing = [
        (opens, closes)
        for opens, closes in working_intervals(schedule, day, day, tz)
        if opens <= start and end <= closes
    ]
    if not containing:
        return "hours"
    opens = containing[0][0]
    if (start - opens) % rules.step:
        return "off_grid"
    if _busy(schedule.off).meets(start, end):
        return "time_off"
    if clashes_with_bookings(schedule, start, end + buffer):
        return "booked"
    return None


def clashes_with_bookings(schedule: Schedule, start: datetime, end: datetime) -> bool:
    """Whether [start, end) meets one of the therapist's existing bookings (with cleanup)."""
    return _busy(schedule.booked).meets(start, end)


def _busy(intervals: Iterable[Interval]) -> Busy:
    # In UTC: Python compares datetimes of one zone by wall time, which is wrong in the
    # repeated hour when daylight saving time ends.
    return Busy((start.astimezone(UTC), end.astimezone(UTC)) for start, end in intervals)
