"""The availability engine on integer timestamps: free starts by subtracting busy time.

Times are POSIX seconds (UTC ints) and a span is a half-open `[start, end)` pair of them.
Weekly hours become working spans per local date (`day_spans`, `working_spans`); one
therapist's working spans, time off and bookings make a `Timeline`. `free_starts_at`
subtracts what forbids a start from the working spans and emits the step grid of what is
left, a range at a time, never testing start by start; `free_slots_at` shares the starts out
among several therapists and, when the clinic books rooms, checks a room is free.

Pure like `bookings.availability` (the same engine on aware datetimes, built on this one):
no ORM and no clock. Wall times and durations are whole seconds (minutes, in practice).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

Span = tuple[int, int]

_DAY = timedelta(days=1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


# --- Working spans of local dates ------------------------------------------------------------


def day_spans(
    weekly: Mapping[int, Sequence[tuple[time, time]]], day: date, tz: ZoneInfo
) -> list[Span]:
    """One local date's working spans, merged and in order.

    `weekly` maps a weekday (0 = Monday) to wall-clock (start, end) rows in `tz`, as in
    `availability.Schedule`. Each wall time is read as `availability.local_datetime` reads
    it: one in the spring-forward gap moves forward by the gap, an ambiguous one in the
    autumn repeat is its first occurrence. Rows that overlap or touch make one span.
    """
    rows = weekly.get(day.weekday())
    if not rows:
        return []
    return _day_spans(day, rows, [(_clock(start), _clock(end)) for start, end in rows], tz)


def working_spans(
    weekly: Mapping[int, Sequence[tuple[time, time]]], first: date, last: date, tz: ZoneInfo
) -> list[tuple[int, int, date]]:
    """`day_spans` of every local date from `first` to `last` inclusive, each span with its
    date, in order: a `Timeline`'s `working`."""
    clocks = {
        weekday: [(_clock(start), _clock(end)) for start, end in rows]
        for weekday, rows in weekly.items()
    }
    working: list[tuple[int, int, date]] = []
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        weekday = (ordinal + 6) % 7  # date.fromordinal(ordinal).weekday()
        if clocks.get(weekday):
            day = date.fromordinal(ordinal)
            for opens, closes in _day_spans(day, weekly[weekday], clocks[weekday], tz):
                working.append((opens, closes, day))
    return working


def _day_spans(day: date, rows, clocks: list[Span], tz: ZoneInfo) -> list[Span]:
    """The spans of one date's `rows`, given as seconds from midnight in `clocks` too."""
    midnight, offset = _day_offset(day, tz)
    if offset is None:  # the clocks change today: ask the zone about each wall time
        spans = [(_instant(day, start, tz), _instant(day, end, tz)) for start, end in rows]
    else:
        base = midnight - offset
        spans = [(base + start, base + end) for start, end in clocks]
    return merge(span for span in spans if span[0] < span[1])


@lru_cache(maxsize=4096)
def _day_offset(day: date, tz: ZoneInfo) -> tuple[int, int | None]:
    """The local date's midnight as naive POSIX seconds, and the zone's UTC offset in seconds
    all that day: None when the offsets at this midnight and the next differ (zones change
    their offset at most once a day)."""
    opens = datetime.combine(day, time.min, tzinfo=tz).utcoffset()
    closes = datetime.combine(day + _DAY, time.min, tzinfo=tz).utcoffset()
    midnight = (day.toordinal() - _EPOCH_ORDINAL) * 86400
    if opens is None or opens != closes:
        return midnight, None
    return midnight, int(opens.total_seconds())


def _instant(day: date, at: time, tz: ZoneInfo) -> int:
    # fold=0, as local_datetime: the offset before a gap or the first of a repeat.
    return int(datetime.combine(day, at, tzinfo=tz).timestamp())


def _clock(at: time) -> int:
    return at.hour * 3600 + at.minute * 60 + at.second


def merge(spans: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Spans (ints, or aware datetimes of one zone) merged where they overlap or touch, in
    order."""
    merged: list[tuple[Any, Any]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class Busy:
    """Merged busy spans (ints, or aware datetimes of one zone) with a fast "does
    [start, end) meet any of them?"."""

    def __init__(self, spans: Iterable[tuple[Any, Any]]):
        self.spans = merge(spans)
        self.ends = [end for _, end in self.spans]

    def meets(self, start: Any, end: Any) -> bool:
        # The first span ending after `start` is the only one that can overlap.
        index = bisect.bisect_right(self.ends, start)
        return index < len(self.spans) and self.spans[index][0] < end


# --- One therapist ---------------------------------------------------------------------------


@dataclass
class Timeline:
    """One therapist, as ints: working spans with their local dates (in time order, merged per
    day, as `day_spans` gives them), time off and closures (`off`), and bookings widened by
    their cleanup time (`booked`). Busy spans may overlap and come in any order."""

    key: str
    working: list[tuple[int, int, date]]
    off: list[Span] = field(default_factory=list)
    booked: list[Span] = field(default_factory=list)


def free_starts_at(
    timeline: Timeline, *, duration: int, buffer: int, step: int, earliest: int, latest: int
) -> list[int]:
    """Free starts, in order, for a session of `duration` seconds plus `buffer` of cleanup.

    A start is free when the session lies inside one working span, on the step grid counted
    from that span's opening, from `earliest` to `latest` inclusive; when [s, s + duration)
    meets nothing in `off`; and when [s, s + duration + buffer) meets nothing in `booked`.
    """
    starts: list[int] = []
    for _day, run in _free_runs(timeline, duration, buffer, step, earliest, latest):
        starts.extend(run)
    return starts


def _free_runs(
    timeline: Timeline, duration: int, buffer: int, step: int, earliest: int, latest: int
) -> list[tuple[date, range]]:
    """The free starts as runs of the step grid, each with its local date, in time order.

    Each working span gives the starts from max(opens, earliest) to min(closes - duration,
    latest); the forbidden ranges are taken out of them in one sweep along both lists.
    """
    lefts, rights = _forbidden(timeline, duration=duration, buffer=buffer)
    count, first = len(lefts), 0
    runs: list[tuple[date, range]] = []
    for opens, closes, day in timeline.working:
        low, high = max(opens, earliest), min(closes - duration, latest)
        if low > high:
            continue
        while first < count and rights[first] <= low:
            first += 1  # forbids nothing from here on: the spans come in time order
        at, index = low, first
        while index < count and lefts[index] < high:
            if lefts[index] >= at:  # [at, left] is free: its points on the grid from `opens`
                runs.append((day, range(at + (opens - at) % step, lefts[index] + 1, step)))
            at = rights[index]
            index += 1
        if at <= high:
            runs.append((day, range(at + (opens - at) % step, high + 1, step)))
    return runs


def _forbidden(timeline: Timeline, *, duration: int, buffer: int) -> tuple[list[int], list[int]]:
    """The starts that busy time forbids, as disjoint open ranges left < s < right in order
    (their lefts and their rights).

    A session [s, s + duration) meets time off [a, b) when a - duration < s < b; with its
    cleanup it meets a booking [a, b) when a - duration - buffer < s < b.
    """
    lead = duration + buffer
    ranges = [(a - duration, b) for a, b in timeline.off]
    ranges += [(a - lead, b) for a, b in timeline.booked]
    ranges.sort()
    lefts: list[int] = []
    rights: list[int] = []
    last = None  # the right of the range being built
    for left, right in ranges:
        if right - left < 2:
            continue  # no whole second strictly between: forbids nothing
        if last is not None and left < last:  # overlapping: one range (touching ones are not)
            if right > last:
                rights[-1] = last = right
        else:
            lefts.append(left)
            rights.append(right)
            last = right
    return lefts, rights


# --- Rooms -----------------------------------------------------------------------------------


@dataclass
class RoomTimeline:
    """A treatment room, as ints: its closures and the clinic's (`off`), and the bookings in
    it widened by their cleanup time (`booked`). The merged busy spans are worked out on the
    first question; set `_busy` to None after changing `off` or `booked`."""

    key: str
    off: list[Span] = field(default_factory=list)
    booked: list[Span] = field(default_factory=list)

    def __post_init__(self):
        self._busy: Busy | None = None

    def is_free(self, start: int, end: int) -> bool:
        """Whether [start, end) (a session with its cleanup) meets nothing in the room."""
        if self._busy is None:
            self._busy = Busy([*self.off, *self.booked])
        return not self._busy.meets(start, end)


def room_order(
    keys: Sequence[str], *, preferred: Sequence[str], load: Mapping[str, int]
) -> list[int]:
    """The indices of rooms (by their `keys`) in the order they are offered: the therapist's
    preferred ones first (in their order), then the least used that day, then as given."""
    rank = {key: index for index, key in enumerate(preferred)}
    last = len(rank)
    return sorted(
        range(len(keys)), key=lambda i: (rank.get(keys[i], last), load.get(keys[i], 0), i)
    )


@dataclass(frozen=True)
class RoomsAt:
    """The rooms a service may use, as ints, like `availability.Rooms`: each therapist's
    preferred rooms (in order) and each room's sessions per local date (to spread them)."""

    timelines: Sequence[RoomTimeline]
    preferred: Mapping[str, Sequence[str]] = field(default_factory=dict)
    load: Mapping[str, Mapping[date, int]] = field(default_factory=dict)
    _orders: dict = field(default_factory=dict, compare=False, repr=False)

    def choose(self, therapist: str, start: int, end: int, day: date) -> str | None:
        """A free room for `therapist`'s session and cleanup [start, end) on local `day`."""
        slots = self.free_at({start: (therapist, day)}, end - start)
        return slots[0][2] if slots else None

    def order(self, therapist: str, day: date) -> list[int]:
        """The rooms' indices in the order `therapist` is offered them on local `day`: as
        `room_order`, the therapist's preferred rooms first, then the day's order."""
        order = self._orders.get((therapist, day))
        if order is None:
            first = self._preferred_first(therapist)
            by_day = self._by_load(day)
            order = [*first, *(i for i in by_day if i not in first)] if first else by_day
            self._orders[(therapist, day)] = order
        return order

    def _keys(self) -> list[str]:
        keys = self._orders.get(None)
        if keys is None:
            keys = self._orders[None] = [room.key for room in self.timelines]
        return keys

    def _preferred_first(self, therapist: str) -> list[int]:
        """The indices of `therapist`'s preferred rooms, in their order (the same every day)."""
        first = self._orders.get((therapist, None))
        if first is None:
            keys = self._keys()
            rank = {key: i for i, key in enumerate(self.preferred.get(therapist, ()))}
            first = sorted(
                (i for i, key in enumerate(keys) if key in rank), key=lambda i: rank[keys[i]]
            )
            self._orders[(therapist, None)] = first
        return first

    def _by_load(self, day: date) -> list[int]:
        """Every room's index, the least used on `day` first, then as given (`room_order`
        with no preference): worked out once per day."""
        by_day = self._orders.get((None, day))
        if by_day is None:
            keys, load = self._keys(), self.load
            counts = [load[key].get(day, 0) if key in load else 0 for key in keys]
            by_day = self._orders[(None, day)] = sorted(range(len(keys)), key=counts.__getitem__)
        return by_day

    def free_at(self, owners: Mapping[int, tuple[str, date]], length: int) -> list[tuple]:
        """(start, therapist, room) for each of `owners`' starts (start -> (therapist, local
        date)) at which `choose` finds a room for [start, start + length), in time order.

        As `choose` start by start, with its lookups hoisted out of the loop: an "any
        therapist" month asks this hundreds of times.
        """
        keys = [room.key for room in self.timelines]
        busy = []
        for room in self.timelines:
            if room._busy is None:
                room._busy = Busy([*room.off, *room.booked])
            busy.append((room._busy.spans, room._busy.ends))
        slots = []
        orders: dict[tuple[str, date], list] = {}
        for start in sorted(owners):
            owner = owners[start]
            order = orders.get(owner)
            if order is None:
                order = orders[owner] = [(keys[i], *busy[i]) for i in self.order(*owner)]
            end = start + length
            for key, spans, ends in order:
                # As Busy.meets: the first span ending after `start` is the only one to check.
                index = bisect.bisect_right(ends, start)
                if index == len(spans) or spans[index][0] >= end:
                    slots.append((start, owner[0], key))
                    break
        return slots


# --- Several therapists ----------------------------------------------------------------------


def free_slots_at(
    timelines: Sequence[Timeline],
    *,
    duration: int,
    buffer: int,
    step: int,
    earliest: int,
    latest: int,
    load: Mapping[str, Mapping[date, int]] | None = None,
    rooms: RoomsAt | None = None,
) -> list[tuple[int, str, str | None]]:
    """Free (start, therapist key, room key or None) across several therapists, one per start,
    in time order.

    A start goes to the therapist free then with the fewest sessions that local day (`load`),
    then to the earlier timeline. With `rooms` it counts only when a room is free for the
    session and its cleanup, and names the room `rooms.choose` gives that therapist.
    """
    figures = (duration, buffer, step, earliest, latest)
    owners: dict[int, tuple[str, date]] = {}  # start -> (therapist, local date)
    for _sessions, runs in sorted(_runs_by_sessions(timelines, figures, load or {}).items()):
        for tag, run in runs:
            for start in run:
                owners[start] = tag
    if rooms is None:
        return [(start, owners[start][0], None) for start in sorted(owners)]
    # Whether some room is free does not depend on the therapist, only which one it is.
    return rooms.free_at(owners, duration + buffer)


def _runs_by_sessions(timelines, figures, load) -> dict[int, list]:
    """Every run of free starts with its (therapist, local date), grouped by minus the
    therapist's sessions that day, each group listing later timelines first. Written into
    one dict group by group in sorted order, the last write at a start is the therapist it
    goes to: the fewest sessions that day, then the earliest in `timelines`."""
    by_sessions: dict[int, list] = defaultdict(list)
    for timeline in reversed(timelines):
        sessions = load.get(timeline.key, {})
        for day, run in _free_runs(timeline, *figures):
            by_sessions[-sessions.get(day, 0)].append(((timeline.key, day), run))
    return by_sessions
