"""The availability engine alone, the previous step-by-step one against the new one.

No database: therapists working 09:00-12:00 and 13:00-17:00 on weekdays, about three
bookings a working day each, a clinic closure, one day off each; one-hour sessions with 15
minutes' cleanup on a 15-minute grid, 30 days. Run it with

    python -m tests.benchmarks.bench_engine [--repeat 30]

and it prints the median milliseconds per answer: the reference `free_slots`, the new one (on
datetimes, as `bookings.schedules` calls it), and `free_slots_at` on prepared timelines (the
integer engine, as a loader that hands it ints would call it), without and with rooms. The
answers are checked to be the same first.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings import availability as new
from tests.bookings import reference_engine as old

TZ = ZoneInfo("America/Denver")
FIRST = date(2026, 4, 6)  # a Monday
DAYS = 30
NOW = datetime.combine(FIRST, time(8), tzinfo=TZ).astimezone(UTC)
SESSION, CLEANUP = timedelta(hours=1), timedelta(minutes=15)
HOURS = {weekday: [(time(9), time(12)), (time(13), time(17))] for weekday in range(5)}


def clinic(engine, therapists: int, *, rooms: bool, seed: int = 2026):
    """`therapists` schedules with bookings at random quarter hours, and with `rooms` a room
    for every two therapists (each preferring their own), holding their bookings."""
    rng = random.Random(seed)
    closes = datetime.combine(FIRST + timedelta(days=9), time(12), tzinfo=TZ)
    closure = (closes, closes + timedelta(hours=5))  # an afternoon the clinic is closed
    schedules, in_rooms, load = [], {f"room{n}": [] for n in range(therapists // 2 + 1)}, {}
    for n in range(therapists):
        key = f"t{n}"
        off_day = datetime.combine(FIRST + timedelta(days=rng.randrange(DAYS)), time(0), tzinfo=TZ)
        schedule = engine.Schedule(
            key=key, weekly=HOURS, off=[closure, (off_day, off_day + timedelta(days=1))]
        )
        load[key] = {}
        for offset in range(DAYS):
            day = FIRST + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for start in rng.sample(range(9 * 4, 16 * 4), 3):  # quarter hours from 09:00
                begins = datetime.combine(day, time(start // 4, start % 4 * 15), tzinfo=TZ)
                booked = (begins.astimezone(UTC), (begins + SESSION + CLEANUP).astimezone(UTC))
                schedule.booked.append(booked)
                in_rooms[f"room{n // 2}"].append(booked)
                load[key][day] = load[key].get(day, 0) + 1
        schedules.append(schedule)
    room_list = None
    if rooms:
        room_list = engine.Rooms(
            schedules=[
                engine.RoomSchedule(key=k, off=[closure], booked=b) for k, b in in_rooms.items()
            ],
            preferred={f"t{n}": [f"room{n // 2}"] for n in range(therapists)},
        )
    return schedules, load, room_list


def kwargs(engine):
    return {
        "duration": SESSION,
        "buffer": CLEANUP,
        "first": FIRST,
        "last": FIRST + timedelta(days=DAYS - 1),
        "now": NOW,
        "rules": engine.Rules(
            step=timedelta(minutes=15), notice=timedelta(hours=2), horizon=timedelta(days=60)
        ),
        "tz": TZ,
    }


def median_ms(run, repeat: int) -> float:
    """Milliseconds, the median of `repeat` runs after a warm-up; like timeit, without the
    garbage collector, whose pauses depend on everything else the process holds."""
    run()
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            started = clock.process_time()
            run()
            times.append(clock.process_time() - started)
    finally:
        gc.enable()
    return statistics.median(times) * 1000


def figures(therapists: int, *, rooms: bool, repeat: int) -> dict[str, float]:
    old_schedules, old_load, old_rooms = clinic(old, therapists, rooms=rooms)
    new_schedules, new_load, new_rooms = clinic(new, therapists, rooms=rooms)
    old_kwargs, new_kwargs = kwargs(old), kwargs(new)

    def reference():
        return old.free_slots(old_schedules, load=old_load, rooms=old_rooms, **old_kwargs)

    def on_datetimes():
        return new.free_slots(new_schedules, load=new_load, rooms=new_rooms, **new_kwargs)

    expected = [(s.start, s.therapist, s.room) for s in reference()]
    assert [(s.start, s.therapist, s.room) for s in on_datetimes()] == expected

    timelines = [
        new.timeline_of(s, new_kwargs["first"], new_kwargs["last"], TZ) for s in new_schedules
    ]
    rooms_at = new_rooms.at() if new_rooms is not None else None
    ints = {
        "duration": 3600,
        "buffer": 900,
        "step": 900,
        "earliest": int((NOW + timedelta(hours=2)).timestamp()),
        "latest": int((NOW + timedelta(days=60)).timestamp()),
    }

    def on_ints():
        return new.free_slots_at(timelines, load=new_load, rooms=rooms_at, **ints)

    assert [(datetime.fromtimestamp(s, UTC), k, r) for s, k, r in on_ints()] == expected
    return {
        "slots": len(expected),
        "reference": median_ms(reference, repeat),
        "free_slots": median_ms(on_datetimes, repeat),
        "free_slots_at": median_ms(on_ints, repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    header = ("therapists x 30 d", "slots", "reference", "free_slots", "free_slots_at")
    print("{:<22}{:>6}{:>11}{:>12}{:>15}".format(*header))
    for therapists in (5, 50):
        for rooms in (False, True):
            result = figures(therapists, rooms=rooms, repeat=args.repeat)
            label = f"{therapists}{f' + {therapists // 2 + 1} rooms' if rooms else ''}"
            print(
                f"{label:<22}{result['slots']:>6}{result['reference']:>9.2f}ms"
                f"{result['free_slots']:>10.2f}ms{result['free_slots_at']:>13.2f}ms"
            )


if __name__ == "__main__":
    main()
