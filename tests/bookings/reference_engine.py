"""The previous availability engine, kept as the reference for the tests: a verbatim copy of
bookings/availability.py as it was before the integer engine, which walks every start on
the step grid and asks the busy lists about each one.

The availability engine: free start times from schedules, as pure functions.

No ORM and no clock in here: callers load plain values (see `bookings.schedules`) and pass
`now`. Weekly hours are wall-clock times in the clinic's zone, expanded per local date with
zoneinfo, so the days on which daylight saving time starts or ends get the right slots.
Busy intervals (time off, closures, bookings widened by their cleanup time) are half-open
`[start, end)` aware datetimes.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


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
    own: it can be used whenever a therapist works and it is free, session and cleanup."""

    key: str
    off: list[Interval] = field(default_factory=list)
    booked: list[Interval] = field(default_factory=list)

    def __post_init__(self):
        self._busy: _Busy | None = None

    def is_free(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) (a session with its cleanup) meets nothing in the room."""
        if self._busy is None:
            self._busy = _Busy([*self.off, *self.booked])
        return not self._busy.meets(start, end)


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
    order = _room_order(rooms, preferred=preferred, load=load or {})
    return next((room.key for room in order if room.is_free(start, end)), None)


def _room_order(rooms, *, preferred, load) -> list[RoomSchedule]:
    rank = {key: index for index, key in enumerate(preferred)}
    ordered = sorted(
        enumerate(rooms),
        key=lambda pair: (rank.get(pair[1].key, len(rank)), load.get(pair[1].key, 0), pair[0]),
    )
    return [room for _, room in ordered]


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
    intervals: list[Interval] = []
    day = first
    while day <= last:
        # In UTC: Python compares datetimes of one zone by wall time, which is wrong in the
        # repeated hour when daylight saving time ends.
        todays = [
            (
                local_datetime(day, start, tz).astimezone(UTC),
                local_datetime(day, end, tz).astimezone(UTC),
            )
            for start, end in schedule.weekly.get(day.weekday(), ())
        ]
        # Overlapping rows of one day count as one stretch of work.
        intervals.extend(_merge((opens, closes) for opens, closes in todays if opens < closes))
        day += timedelta(days=1)
    return intervals


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class _Busy:
    """Merged busy intervals with a fast "does [start, end) meet any of them?"."""

    def __init__(self, intervals: Iterable[Interval]):
        self.intervals = _merge(
            (start.astimezone(UTC), end.astimezone(UTC)) for start, end in intervals
        )
        self.ends = [end for _, end in self.intervals]

    def meets(self, start: datetime, end: datetime) -> bool:
        # The first interval ending after `start` is the only one that can overlap.
        index = bisect.bisect_right(self.ends, start)
        return index < len(self.intervals) and self.intervals[index][0] < end


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
    earliest = now + rules.notice
    latest = now + rules.horizon
    off = _Busy(schedule.off)
    booked = _Busy(schedule.booked)
    starts = []
    for opens, closes in working_intervals(schedule, first, last, tz):
        # Step in absolute time, so a grid never skips or repeats across a DST change.
        start = opens
        if start < earliest:
            skipped = -(-(earliest - start) // rules.step)  # ceil division of timedeltas
            start += skipped * rules.step
        while start + duration <= closes and start <= latest:
            end = start + duration
            if not off.meets(start, end) and not booked.meets(start, end + buffer):
                starts.append(start)
            start += rules.step
    return starts


@dataclass(frozen=True)
class Rooms:
    """The rooms a service may use (suitable and active), each therapist's preferred rooms,
    and how many sessions each room holds per local day (to spread them)."""

    schedules: Sequence[RoomSchedule]
    preferred: Mapping[str, Sequence[str]] = field(default_factory=dict)
    load: Mapping[str, Mapping[date, int]] = field(default_factory=dict)
    _orders: dict = field(default_factory=dict, compare=False, repr=False)

    def choose(self, therapist: str, start: datetime, end: datetime, day: date) -> str | None:
        """A free room for `therapist`'s session and cleanup [start, end) on local `day`."""
        order = self._orders.get((therapist, day))
        if order is None:
            # The order of preference is the same all day: work it out once per day.
            order = self._orders[(therapist, day)] = _room_order(
                self.schedules,
                preferred=self.preferred.get(therapist, ()),
                load={key: days.get(day, 0) for key, days in self.load.items()},
            )
        return next((room.key for room in order if room.is_free(start, end)), None)


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
    load = load or {}
    by_start: dict[datetime, Slot] = {}
    counts: dict[tuple[datetime, str], int] = {}
    for schedule in schedules:
        for start in free_starts(
            schedule,
            duration=duration,
            buffer=buffer,
            first=first,
            last=last,
            now=now,
            rules=rules,
            tz=tz,
        ):
            day = start.astimezone(tz).date()
            sessions = load.get(schedule.key, {}).get(day, 0)
            current = by_start.get(start)
            if current is not None and sessions >= counts[(start, current.therapist)]:
                continue
            room = None
            if rooms is not None:
                room = rooms.choose(schedule.key, start, start + duration + buffer, day)
                if room is None:
                    continue
            by_start[start] = Slot(start, start + duration, schedule.key, room)
            counts[(start, schedule.key)] = sessions
    return [by_start[start] for start in sorted(by_start)]


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
    if _Busy(schedule.off).meets(start, end):
        return "time_off"
    if clashes_with_bookings(schedule, start, end + buffer):
        return "booked"
    return None


def clashes_with_bookings(schedule: Schedule, start: datetime, end: datetime) -> bool:
    """Whether [start, end) meets one of the therapist's existing bookings (with cleanup)."""
    return _Busy(schedule.booked).meets(start, end)
