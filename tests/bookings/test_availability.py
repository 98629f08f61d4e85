"""The availability engine, with no database: tables of cases, daylight-saving days, properties."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.availability import (
    Rules,
    Schedule,
    free_slots,
    free_starts,
    why_unavailable,
    working_intervals,
)

DENVER = ZoneInfo("America/Denver")
HOUR = timedelta(hours=1)
MIN = timedelta(minutes=1)


def at(day: str, clock: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=DENVER)


def hours(*intervals):
    return [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in intervals]


# Tuesday 2026-12-08; "now" is the previous morning, so notice and horizon do not interfere.
DAY = "2026-12-08"
NOW = at("2026-12-07", "08:00")
RULES = Rules(step=timedelta(minutes=30), notice=2 * HOUR, horizon=timedelta(days=60))


def starts(schedule, *, duration=HOUR, buffer=timedelta(), day=DAY, now=NOW, rules=RULES):
    found = free_starts(
        schedule,
        duration=duration,
        buffer=buffer,
        first=date.fromisoformat(day),
        last=date.fromisoformat(day),
        now=now,
        rules=rules,
        tz=DENVER,
    )
    return [s.astimezone(DENVER).strftime("%H:%M") for s in found]


def week(*intervals, weekday=1):
    return {weekday: hours(*intervals)}


@pytest.mark.parametrize(
    ("case", "schedule_kwargs", "duration", "buffer", "expected"),
    [
        (
            "plain morning",
            {"weekly": week(("09:00", "11:00"))},
            HOUR,
            timedelta(),
            ["09:00", "09:30", "10:00"],
        ),
        (
            "a lunch break splits the day",
            {"weekly": week(("09:00", "10:30"), ("12:00", "13:30"))},
            HOUR,
            timedelta(),
            ["09:00", "09:30", "12:00", "12:30"],
        ),
        (
            "time off removes overlapping starts",
            {"weekly": week(("09:00", "12:00")), "off": [(at(DAY, "10:00"), at(DAY, "11:00"))]},
            HOUR,
            timedelta(),
            ["09:00", "11:00"],
        ),
        (
            "a clinic closure covering the whole day",
            {
                "weekly": week(("09:00", "12:00")),
                "off": [(at(DAY, "00:00"), at("2026-12-09", "00:00"))],
            },
            HOUR,
            timedelta(),
            [],
        ),
        (
            "an existing booking blocks its session and cleanup",
            {"weekly": week(("09:00", "13:00")), "booked": [(at(DAY, "10:00"), at(DAY, "11:15"))]},
            HOUR,
            timedelta(),
            ["09:00", "11:30", "12:00"],
        ),
        (
            "the new session's own cleanup must not run into the next booking",
            {"weekly": week(("09:00", "13:00")), "booked": [(at(DAY, "11:00"), at(DAY, "12:15"))]},
            HOUR,
            15 * MIN,
            ["09:00", "09:30"],
        ),
        (
            "cleanup may run past closing time",
            {"weekly": week(("09:00", "10:00"))},
            HOUR,
            15 * MIN,
            ["09:00"],
        ),
        (
            "a session never straddles a break",
            {"weekly": week(("09:00", "09:45"), ("10:00", "11:00"))},
            HOUR,
            timedelta(),
            ["10:00"],
        ),
        ("a day off", {"weekly": week(("09:00", "12:00"), weekday=3)}, HOUR, timedelta(), []),
        (
            "ninety minutes need room",
            {"weekly": week(("09:00", "11:00"))},
            90 * MIN,
            timedelta(),
            ["09:00", "09:30"],
        ),
    ],
)
def test_engine_table(case, schedule_kwargs, duration, buffer, expected):
    schedule = Schedule(key="maren", **schedule_kwargs)
    assert starts(schedule, duration=duration, buffer=buffer) == expected, case


def test_step_sets_the_grid():
    schedule = Schedule(key="maren", weekly=week(("09:00", "10:30")))
    rules = Rules(step=timedelta(minutes=15), notice=timedelta(), horizon=timedelta(days=60))
    assert starts(schedule, rules=rules) == ["09:00", "09:15", "09:30"]


def test_minimum_notice_counts_from_now_and_keeps_the_grid():
    schedule = Schedule(key="maren", weekly=week(("09:00", "13:00")))
    now = at(DAY, "08:10")  # two hours' notice: 10:10, so the first start is 10:30
    assert starts(schedule, now=now) == ["10:30", "11:00", "11:30", "12:00"]


def test_nothing_in_the_past():
    schedule = Schedule(key="maren", weekly=week(("09:00", "13:00")))
    assert starts(schedule, now=at(DAY, "18:00")) == []


def test_horizon_is_the_last_bookable_moment():
    schedule = Schedule(key="maren", weekly=week(("09:00", "12:00")))
    rules = Rules(
        step=timedelta(minutes=30), notice=timedelta(), horizon=timedelta(days=1, hours=2)
    )
    # Horizon ends 10:00 on DAY (now is 08:00 the day before).
    assert starts(schedule, rules=rules) == ["09:00", "09:30", "10:00"]


# Daylight saving time in America/Denver in 2026: starts Sunday March 8, ends Sunday November 1.
SUNDAY_EARLY = {6: hours(("01:00", "04:00"))}
SUNDAY_DAY = {6: hours(("09:00", "11:00"))}
ANY_TIME = Rules(step=timedelta(minutes=30), notice=timedelta(), horizon=timedelta(days=400))


@pytest.mark.parametrize(
    ("day", "weekly", "expected_local", "expected_offsets"),
    [
        # An ordinary Sunday: three hours make five one-hour starts on the half hour.
        ("2026-03-01", SUNDAY_EARLY, ["01:00", "01:30", "02:00", "02:30", "03:00"], {"-0700"}),
        # Spring forward: 02:00-03:00 does not exist, so 01:00-04:00 is two real hours.
        ("2026-03-08", SUNDAY_EARLY, ["01:00", "01:30", "03:00"], {"-0700", "-0600"}),
        # Fall back: 01:00-02:00 happens twice, so 01:00-04:00 is four real hours.
        (
            "2026-11-01",
            SUNDAY_EARLY,
            ["01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00"],
            {"-0600", "-0700"},
        ),
        # Hours that open inside the spring gap (02:30 does not exist) open at 03:30 MDT.
        ("2026-03-08", {6: hours(("02:30", "05:00"))}, ["03:30", "04:00"], {"-0600"}),
        # Clinic hours on both change days keep their wall-clock times and new offsets.
        ("2026-03-08", SUNDAY_DAY, ["09:00", "09:30", "10:00"], {"-0600"}),
        ("2026-11-01", SUNDAY_DAY, ["09:00", "09:30", "10:00"], {"-0700"}),
    ],
)
def test_daylight_saving_days(day, weekly, expected_local, expected_offsets):
    schedule = Schedule(key="maren", weekly=weekly)
    found = free_starts(
        schedule,
        duration=HOUR,
        buffer=timedelta(),
        first=date.fromisoformat(day),
        last=date.fromisoformat(day),
        now=at("2026-01-01", "00:00"),
        rules=ANY_TIME,
        tz=DENVER,
    )
    local_starts = [s.astimezone(DENVER) for s in found]
    assert [s.strftime("%H:%M") for s in local_starts] == expected_local
    assert {s.strftime("%z") for s in local_starts} == expected_offsets
    assert found == sorted(found)


def test_spring_forward_day_slot_is_at_the_right_instant():
    schedule = Schedule(key="maren", weekly=SUNDAY_DAY)
    found = free_starts(
        schedule,
        duration=HOUR,
        buffer=timedelta(),
        first=date(2026, 3, 7),
        last=date(2026, 3, 8),
        now=at("2026-01-01", "00:00"),
        rules=ANY_TIME,
        tz=DENVER,
    )
    # Saturday has no hours; Sunday's 09:00 MDT is 15:00 UTC (not 16:00 as in winter).
    assert found[0].astimezone(UTC) == datetime(2026, 3, 8, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (at("2026-12-06", "10:00"), "past"),
        (at("2026-12-07", "09:00"), "notice"),
        (at("2027-03-01", "10:00"), "horizon"),
        (at(DAY, "07:00"), "hours"),
        (at(DAY, "11:30"), "hours"),  # would run past noon into the break
        (at(DAY, "09:10"), "off_grid"),
        (at(DAY, "14:00"), "time_off"),
        (at(DAY, "15:30"), "booked"),
        (at(DAY, "09:00"), None),
    ],
)
def test_why_unavailable(start, code):
    schedule = Schedule(
        key="maren",
        weekly=week(("09:00", "12:00"), ("13:00", "17:00")),
        off=[(at(DAY, "14:00"), at(DAY, "15:00"))],
        booked=[(at(DAY, "16:00"), at(DAY, "17:15"))],
    )
    reason = why_unavailable(
        schedule, start, duration=HOUR, buffer=15 * MIN, now=NOW, rules=RULES, tz=DENVER
    )
    assert reason == code


def test_any_therapist_spreads_the_day():
    busy = Schedule(key="busy", weekly=week(("09:00", "10:00")))
    quiet = Schedule(key="quiet", weekly=week(("09:00", "10:00")))
    kwargs = dict(
        duration=HOUR,
        buffer=timedelta(),
        first=date(2026, 12, 8),
        last=date(2026, 12, 8),
        now=NOW,
        rules=RULES,
        tz=DENVER,
    )
    load = {"busy": {date(2026, 12, 8): 3}, "quiet": {date(2026, 12, 8): 1}}
    assert [s.therapist for s in free_slots([busy, quiet], load=load, **kwargs)] == ["quiet"]
    assert [s.therapist for s in free_slots([busy, quiet], **kwargs)] == ["busy"]  # tie: order


# Property-based: whatever the hours and commitments, a returned slot never overlaps a busy
# interval and never leaves working hours.
minutes = st.integers(min_value=0, max_value=24 * 60 - 1)


@st.composite
def day_schedules(draw):
    raw = draw(st.lists(st.tuples(minutes, st.integers(15, 300)), min_size=1, max_size=4))
    intervals = []
    for start, length in raw:
        end = min(start + length, 24 * 60 - 1)
        if end > start:
            intervals.append((time(start // 60, start % 60), time(end // 60, end % 60)))
    day = draw(st.sampled_from(["2026-03-08", "2026-11-01", "2026-06-14", "2026-12-13"]))
    base = datetime.combine(date.fromisoformat(day), time.min, tzinfo=DENVER).astimezone(UTC)

    def busy_list():
        return [
            (base + timedelta(minutes=s), base + timedelta(minutes=s + d))
            for s, d in draw(
                st.lists(st.tuples(st.integers(-120, 1500), st.integers(5, 240)), max_size=6)
            )
        ]

    schedule = Schedule(key="t", weekly={6: intervals}, off=busy_list(), booked=busy_list())
    return day, schedule


@settings(max_examples=150, deadline=None)
@given(
    data=day_schedules(),
    duration=st.sampled_from([30, 60, 90]),
    buffer=st.sampled_from([0, 10, 15]),
    step=st.sampled_from([5, 15, 30]),
)
def test_no_slot_overlaps_busy_time_or_leaves_working_hours(data, duration, buffer, step):
    day, schedule = data
    duration, buffer = timedelta(minutes=duration), timedelta(minutes=buffer)
    rules = Rules(step=timedelta(minutes=step), notice=timedelta(), horizon=timedelta(days=400))
    found = free_starts(
        schedule,
        duration=duration,
        buffer=buffer,
        first=date.fromisoformat(day),
        last=date.fromisoformat(day),
        now=at("2026-01-01", "00:00"),
        rules=rules,
        tz=DENVER,
    )
    working = working_intervals(schedule, date.fromisoformat(day), date.fromisoformat(day), DENVER)
    for start in found:
        assert start.tzinfo is UTC
        end = start + duration
        assert any(opens <= start and end <= closes for opens, closes in working)
        assert not any(s < end and start < e for s, e in schedule.off)
        assert not any(s < end + buffer and start < e for s, e in schedule.booked)
        assert (
            why_unavailable(
                schedule,
                start,
                duration=duration,
                buffer=buffer,
                now=at("2026-01-01", "00:00"),
                rules=rules,
                tz=DENVER,
            )
            is None
        )
