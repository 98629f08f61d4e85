"""The engine on integer timestamps against the previous step-by-step one, kept as the
reference (tests/bookings/reference_engine.py): random clinics must get exactly the same
answers, daylight-saving days included. Then a few plain cases of the integer API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings import availability as new
from bookings.spans import (
    RoomsAt,
    RoomTimeline,
    Timeline,
    day_spans,
    free_slots_at,
    free_starts_at,
)
from tests.bookings import reference_engine as ref

DENVER = ZoneInfo("America/Denver")
MIN = timedelta(minutes=1)
# 2026 in America/Denver: clocks go forward on Sunday March 8 and back on Sunday November 1.
SPRING, AUTUMN, ORDINARY = date(2026, 3, 8), date(2026, 11, 1), date(2026, 6, 14)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- Random clinics, as plain values both engines' classes are built from ----------------------
# The strategies draw plain integers, built once; `clinics` turns them into dates and times.

# Wall times on the half hour (so therapists' grids line up), on a five-minute grid, any
# minute, or in the small hours the clocks change in.
WALL = st.one_of(
    st.integers(0, 47).map(lambda n: n * 30),
    st.integers(0, 287).map(lambda n: n * 5),
    st.integers(0, 1439),
    st.integers(55, 190),
)
# Every weekday: up to three rows (minute, length in fives), which may overlap or leave breaks.
WEEK = st.lists(st.lists(st.tuples(WALL, st.integers(1, 120)), max_size=3), min_size=7, max_size=7)
# Now and then an end is off the minute by a second, a microsecond or anything.
JITTER = st.one_of(
    st.just(0), st.sampled_from([-(10**6), -1, 1, 10**6]), st.integers(-(10**9), 10**9)
)
# Busy time in runs: (which day, start in fives from its midnight, links); each link is
# (length in fives, which gap follows, in local time?, (jitter of start, of end)). The gaps
# are often exactly what a session needs, so starts just fit between two commitments or
# just do not.
LINK = st.tuples(
    st.one_of(st.integers(0, 72), st.sampled_from([6, 12, 15])),
    st.one_of(st.sampled_from([0, 1]), st.integers(0, 6)),  # mostly a session, or with cleanup
    st.booleans(),
    st.one_of(st.just((0, 0)), st.tuples(JITTER, JITTER)),
)
RUN = st.tuples(st.integers(0, 9), st.integers(-36, 324), st.lists(LINK, min_size=1, max_size=3))
LOAD = st.dictionaries(st.integers(0, 9), st.integers(0, 3), max_size=4)
FIGURES = st.fixed_dictionaries(
    {
        "duration": st.one_of(st.integers(1, 24), st.sampled_from([6, 12, 18])),  # fives
        "buffer": st.integers(0, 6),  # fives
        "step": st.sampled_from([5, 10, 15, 20, 30]),  # minutes
        "notice": st.integers(0, 48 * 60),  # minutes
        "horizon": st.one_of(st.just(400 * 24 * 60), st.integers(0, 6 * 24 * 60)),  # minutes
        "now": st.integers(-2 * 86400, 3 * 86400),  # seconds from the first midnight
        "now_in_utc": st.booleans(),
    }
)


@st.composite
def clinics(draw, first=None, last=None):
    """A range of local dates with one to four therapists, maybe rooms, and the rules."""
    if first is None:
        anchor = draw(st.sampled_from([SPRING, AUTUMN, ORDINARY]))
        first = anchor - timedelta(days=draw(st.integers(0, 2)))
        last = first + timedelta(days=draw(st.integers(0, 3)))
    long = last - first > timedelta(days=7)
    days = [first, last, SPRING, AUTUMN] if long else _days(first, last)
    clinic = {"first": first, "last": last, **_figures(draw(FIGURES), first)}
    length, cleanup = clinic["duration"], clinic["buffer"]
    gaps = [length, length + cleanup, length - 5 * MIN, length + cleanup + 5 * MIN]
    gaps += [timedelta(), 5 * MIN, 40 * MIN]

    def busy(max_runs):
        return _busy(draw(st.lists(RUN, max_size=max_runs)), days, gaps)

    def load(keys):
        return {key: {days[n % len(days)]: k for n, k in draw(LOAD).items()} for key in keys}

    keys = [f"t{n}" for n in range(draw(st.integers(1, 4)))]
    closures = busy(1)
    clinic["therapists"] = [
        {"key": key, "weekly": _weekly(draw(WEEK)), "off": busy(2) + closures, "booked": busy(3)}
        for key in keys
    ]
    clinic["load"] = load(keys)
    clinic["rooms"] = None
    if draw(st.booleans()):
        rooms = [f"r{n}" for n in range(draw(st.integers(1, 3)))]
        clinic["rooms"] = {
            "rooms": [{"key": r, "off": busy(1) + closures, "booked": busy(3)} for r in rooms],
            "preferred": {
                key: draw(st.permutations(rooms))[: draw(st.integers(0, len(rooms)))]
                for key in keys
            },
            "load": load(rooms),
        }
    return clinic


def _days(first, last):
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _weekly(week):
    weekly = {}
    for weekday, rows in enumerate(week):
        ends = [(start, min(start + fives * 5, 1439)) for start, fives in rows]
        weekly[weekday] = [(time(a // 60, a % 60), time(b // 60, b % 60)) for a, b in ends]
    return weekly


def _busy(runs, days, gaps):
    """Busy spans placed by local wall time, as the instants they name (the database holds
    instants): a wall time in the spring gap names the instant its standard-time reading
    gives, and each span ends no earlier than it starts. `local` spans are written in the
    clinic's zone (with the fold of the autumn hour), the others in UTC."""
    intervals = []
    for day, fives, links in runs:
        start = datetime.combine(days[day % len(days)], time.min, tzinfo=DENVER) + fives * 5 * MIN
        for length, gap, local, (early, late) in links:
            end = start + length * 5 * MIN
            begins = (start + timedelta(microseconds=early)).astimezone(UTC)
            interval = (begins, max(begins, (end + timedelta(microseconds=late)).astimezone(UTC)))
            if local:
                interval = (interval[0].astimezone(DENVER), interval[1].astimezone(DENVER))
            intervals.append(interval)
            start = end + gaps[gap]
    return intervals


def _figures(drawn, first):
    """Session, cleanup, step, notice, horizon, and a `now` near the range with microseconds,
    in UTC or local time."""
    now = datetime.combine(first, time.min, tzinfo=DENVER) + timedelta(
        seconds=drawn["now"], microseconds=7
    )
    return {
        "duration": drawn["duration"] * 5 * MIN,
        "buffer": drawn["buffer"] * 5 * MIN,
        "now": now.astimezone(UTC) if drawn["now_in_utc"] else now,
        "rules": {
            "step": drawn["step"] * MIN,
            "notice": drawn["notice"] * MIN,
            "horizon": drawn["horizon"] * MIN,
        },
    }


def build(engine, clinic):
    """The clinic as `engine`'s classes: schedules, rooms (or None) and the keyword arguments."""
    schedules = [
        engine.Schedule(
            key=t["key"], weekly=t["weekly"], off=list(t["off"]), booked=list(t["booked"])
        )
        for t in clinic["therapists"]
    ]
    rooms = None
    if clinic["rooms"] is not None:
        rooms = engine.Rooms(
            schedules=[
                engine.RoomSchedule(key=r["key"], off=list(r["off"]), booked=list(r["booked"]))
                for r in clinic["rooms"]["rooms"]
            ],
            preferred=clinic["rooms"]["preferred"],
            load=clinic["rooms"]["load"],
        )
    kwargs = {
        "duration": clinic["duration"],
        "buffer": clinic["buffer"],
        "first": clinic["first"],
        "last": clinic["last"],
        "now": clinic["now"],
        "rules": engine.Rules(**clinic["rules"]),
        "tz": DENVER,
    }
    return schedules, rooms, kwargs


def slots_of(engine, clinic):
    schedules, rooms, kwargs = build(engine, clinic)
    found = engine.free_slots(schedules, load=clinic["load"], rooms=rooms, **kwargs)
    return [(s.start, s.end, s.start.utcoffset(), s.therapist, s.room) for s in found]


# --- The properties ------------------------------------------------------------------------


@PROPERTY
@given(clinic=clinics())
def test_free_starts_match_the_reference(clinic):
    new_schedules, _, new_kwargs = build(new, clinic)
    ref_schedules, _, ref_kwargs = build(ref, clinic)
    for mine, theirs in zip(new_schedules, ref_schedules, strict=True):
        found = new.free_starts(mine, **new_kwargs)
        assert found == ref.free_starts(theirs, **ref_kwargs)
        assert all(start.tzinfo is UTC for start in found)


@PROPERTY
@given(clinic=clinics())
def test_free_slots_match_the_reference(clinic):
    assert slots_of(new, clinic) == slots_of(ref, clinic)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clinic=clinics(first=date(2026, 3, 1), last=date(2026, 11, 7)))
def test_a_season_across_both_clock_changes_matches_the_reference(clinic):
    assert slots_of(new, clinic) == slots_of(ref, clinic)


@PROPERTY
@given(clinic=clinics(), probes=st.lists(st.integers(-2 * 288, 5 * 288), min_size=1, max_size=8))
def test_single_checks_match_the_reference(clinic, probes):
    """working_intervals, why_unavailable, clashes_with_bookings and the rooms' choices, at
    instants on a five-minute grid around the range."""
    new_schedules, new_rooms, kwargs = build(new, clinic)
    ref_schedules, ref_rooms, _ = build(ref, clinic)
    midnight = datetime.combine(clinic["first"], time.min, tzinfo=DENVER)
    first, last = clinic["first"], clinic["last"]
    checks = {k: kwargs[k] for k in ("duration", "buffer", "now", "tz")}
    for mine, theirs in zip(new_schedules, ref_schedules, strict=True):
        assert new.working_intervals(mine, first, last, DENVER) == ref.working_intervals(
            theirs, first, last, DENVER
        )
        for probe in probes:
            start = midnight + probe * 5 * MIN
            end = start + clinic["duration"] + clinic["buffer"]
            assert new.why_unavailable(
                mine, start, rules=kwargs["rules"], **checks
            ) == ref.why_unavailable(theirs, start, rules=ref.Rules(**clinic["rules"]), **checks)
            assert new.clashes_with_bookings(mine, start, end) == ref.clashes_with_bookings(
                theirs, start, end
            )
            if new_rooms is not None:
                day = start.astimezone(DENVER).date()
                assert new_rooms.choose(mine.key, start, end, day) == ref_rooms.choose(
                    theirs.key, start, end, day
                )
                assert new.choose_room(new_rooms.schedules, start, end) == ref.choose_room(
                    ref_rooms.schedules, start, end
                )


# --- The integer API, plain cases ------------------------------------------------------------


def t(clock: str, day: str = "2026-12-08") -> int:
    """POSIX seconds of a wall time in Denver on a Tuesday in winter."""
    moment = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=DENVER)
    return int(moment.timestamp())


def clocks(starts: list[int]) -> list[str]:
    return [datetime.fromtimestamp(s, DENVER).strftime("%H:%M") for s in starts]


TUESDAY = date(2026, 12, 8)
MORNING = [(t("09:00"), t("12:00"), TUESDAY)]


@pytest.mark.parametrize(
    ("case", "timeline", "figures", "expected"),
    [
        (
            "a booking ending exactly at a grid start frees that start",
            Timeline("maren", MORNING, booked=[(t("09:30"), t("10:30"))]),
            {},
            ["10:30", "11:00"],
        ),
        (
            "a session may end exactly at closing time; its cleanup may run past it",
            Timeline("maren", MORNING),
            {"buffer": 15 * 60},
            ["09:00", "09:30", "10:00", "10:30", "11:00"],
        ),
        (
            "time off right after a session: the cleanup may run into it",
            Timeline("maren", MORNING, off=[(t("11:00"), t("12:00"))]),
            {"buffer": 15 * 60},
            ["09:00", "09:30", "10:00"],
        ),
        (
            "a booking starting exactly when a session and its cleanup end",
            Timeline("maren", MORNING, booked=[(t("11:15"), t("12:00"))]),
            {"buffer": 15 * 60},
            ["09:00", "09:30", "10:00"],
        ),
        (
            "earliest between grid points: the next grid point, counted from opening",
            Timeline("maren", [(t("09:10"), t("12:00"), TUESDAY)]),
            {"earliest": t("09:45")},
            ["10:10", "10:40"],
        ),
        (
            "latest on a grid point is still bookable",
            Timeline("maren", MORNING),
            {"latest": t("10:00")},
            ["09:00", "09:30", "10:00"],
        ),
        (
            "overlapping and unsorted busy spans",
            Timeline(
                "maren",
                MORNING,
                off=[(t("11:00"), t("11:30")), (t("10:00"), t("10:45"))],
                booked=[(t("10:30"), t("11:10")), (t("10:15"), t("10:20"))],
            ),
            {},
            ["09:00"],
        ),
        (
            "a session and its cleanup fit exactly between two bookings",
            Timeline("maren", MORNING, booked=[(t("09:00"), t("09:30")), (t("10:45"), t("11:30"))]),
            {"buffer": 15 * 60},
            ["09:30"],
        ),
        (
            "a session fits exactly between two times off, its cleanup running into the second",
            Timeline("maren", MORNING, off=[(t("09:00"), t("09:30")), (t("10:30"), t("12:00"))]),
            {"buffer": 15 * 60},
            ["09:30"],
        ),
        ("empty hours", Timeline("maren", []), {}, []),
        (
            "hours too short for the session",
            Timeline("maren", [(t("09:00"), t("09:45"), TUESDAY)]),
            {},
            [],
        ),
    ],
)
def test_free_starts_at(case, timeline, figures, expected):
    kwargs = {"duration": 3600, "buffer": 0, "step": 1800, "earliest": 0, "latest": 2**40}
    assert clocks(free_starts_at(timeline, **{**kwargs, **figures})) == expected, case


def test_day_spans_merge_rows_and_follow_the_clocks():
    weekly = {6: [(time(1), time(4)), (time(3), time(5)), (time(5), time(6))]}
    hours = {
        day: [(b - a) / 3600 for a, b in day_spans(weekly, day, DENVER)]
        for day in (date(2026, 3, 1), SPRING, AUTUMN)
    }
    assert hours == {date(2026, 3, 1): [5.0], SPRING: [4.0], AUTUMN: [6.0]}
    assert day_spans(weekly, date(2026, 3, 2), DENVER) == []  # a Monday: no rows
    # Opening inside the spring gap: 02:30 does not exist and reads as 03:30 MDT.
    assert day_spans({6: [(time(2, 30), time(5))]}, SPRING, DENVER) == [
        (t("03:30", "2026-03-08"), t("05:00", "2026-03-08"))
    ]


def test_rooms_at_choose_the_preferred_free_room():
    booked = RoomTimeline("birch", booked=[(t("10:00"), t("11:00"))])
    rooms = RoomsAt(
        timelines=[booked, RoomTimeline("cedar"), RoomTimeline("elm")],
        preferred={"maren": ["elm"]},
        load={"cedar": {TUESDAY: 2}},
    )
    assert rooms.choose("maren", t("10:00"), t("11:00"), TUESDAY) == "elm"
    assert rooms.choose("jo", t("10:00"), t("11:00"), TUESDAY) == "elm"  # cedar is busier
    assert rooms.choose("jo", t("09:00"), t("10:00"), TUESDAY) == "birch"  # touching is free


def test_free_slots_at_find_rooms_that_touch_their_bookings():
    """A session with its cleanup may end as a room's booking starts, and start as one ends;
    a start at which every room is taken is not offered."""
    hour = 3600
    maren = Timeline("maren", working=[(t("09:00"), t("13:00"), TUESDAY)])
    birch = RoomTimeline("birch", booked=[(t("10:00"), t("11:00"))])
    cedar = RoomTimeline("cedar", booked=[(t("09:00"), t("10:00")), (t("10:30"), t("12:00"))])
    rooms = RoomsAt(timelines=[birch, cedar], preferred={"maren": ["birch", "cedar"]})
    slots = free_slots_at(
        [maren], duration=hour - 600, buffer=600, step=1800,
        earliest=t("00:00"), latest=t("23:00"), rooms=rooms,
    )  # fmt: skip
    assert slots == [
        (t("09:00"), "maren", "birch"),  # ends as birch's booking starts
        # 09:30 and 10:00 and 10:30 meet both rooms' bookings.
        (t("11:00"), "maren", "birch"),  # starts as birch's booking ends
        (t("11:30"), "maren", "birch"),
        (t("12:00"), "maren", "birch"),
    ]
    assert [room for _, _, room in slots] == [
        rooms.choose("maren", start, start + hour, TUESDAY) for start, _, _ in slots
    ]


def test_rooms_are_offered_in_the_therapists_order_then_the_days():
    rooms = RoomsAt(
        timelines=[RoomTimeline("birch"), RoomTimeline("cedar"), RoomTimeline("elm")],
        preferred={"maren": ["elm", "birch"], "jo": []},
        load={"birch": {TUESDAY: 1}, "cedar": {TUESDAY: 3}},
    )
    assert rooms.order("maren", TUESDAY) == [2, 0, 1]  # elm, birch, then cedar
    assert rooms.order("jo", TUESDAY) == [2, 0, 1]  # the least used first: elm, birch, cedar
    assert rooms.order("maren", TUESDAY + timedelta(days=1)) == [2, 0, 1]
    assert rooms.order("jo", TUESDAY + timedelta(days=1)) == [0, 1, 2]  # none used: as given
    assert rooms.choose("maren", t("10:00"), t("11:00"), TUESDAY) == "elm"
