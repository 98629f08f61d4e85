"""make bench, in-process scaling: cold free times for 1 to 50 therapists and 7 to 90 days.

`find_slots(service, None, first, last, now=..., policy=...)` on a clinic of scaling
therapists only (bench_seed.seed_scaling_therapists: Mon-Sat with a lunch break, a room each,
2-3 bookings a working day over 90 days), with the free-times cache off so every run reads
the days from the database (the clinic's setup stays in memory, as it does between a
server's requests); then the same with 4,500 past bookings added, in turn with blocks
without them. Everything runs in one
transaction that is rolled back: the page benchmark's clinic is left as it was.

Each time is also given as a multiple of a fixed pure-Python loop timed beside it, so
figures from different machines can be compared.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

THERAPISTS = (1, 5, 20, 50)
DAYS = (7, 30, 90)
RUNS = 7
# A slow cell stops after this long, once it has MIN_RUNS: the whole table stays well under a
# minute even where 50 therapists x 90 days take a second.
CELL_SECONDS = 2.0
MIN_RUNS = 3
PAST_BOOKINGS = 4500
PAST_DAYS = 180
PAST_MAX_CHANGE = 0.10
# (therapists, days) -> at most this many ms.
TARGETS_MS = {(50, 30): 40.0, (5, 30): 6.0}
CALIBRATION_LOOPS = 30_000


def calibration_loop() -> int:
    """A fixed piece of integer and dict work (about 10 ms on a 2024 cloud vCPU)."""
    table: dict[int, int] = {}
    total = 0
    for number in range(CALIBRATION_LOOPS):
        key = number & 1023
        table[key] = table.get(key, 0) + number % 13
        total += table[key] & 255
    return total


def time_calibration() -> float:
    started = time.perf_counter()
    calibration_loop()
    return (time.perf_counter() - started) * 1000


def scaling_figures(*, now) -> dict:
    """The scaling table, in a transaction rolled back at the end."""
    from django.db import transaction

    with transaction.atomic():
        try:
            return _measure(now=now)
        finally:
            transaction.set_rollback(True)


class _Bench:
    """What every cell of the table is measured with."""

    def __init__(self, *, now):
        from bookings.models import BookingPolicy, Service
        from bookings.times import clinic_tz
        from tests.benchmarks.bench_seed import SERVICE

        self.now = now
        self.service = Service.objects.get(slug=SERVICE)
        # In memory only: a horizon that covers the longest range, so 90 days are 90 days.
        self.policy = BookingPolicy.load()
        self.policy.horizon_days = max(DAYS) + 7
        self.first = now.astimezone(clinic_tz()).date()
        self.calibrations: list[float] = []

    def cell(self, days: int, runs: int = RUNS) -> dict:
        from django.test.utils import override_settings

        from bookings.schedules import find_slots

        last = self.first + timedelta(days=days - 1)
        with override_settings(FREE_TIMES_CACHE=False):
            # The setup as a server holds it (read once after any change to it).
            find_slots(self.service, None, self.first, last, now=self.now, policy=self.policy)
            return self._runs(last, runs)

    def _runs(self, last, runs: int) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from bookings.schedules import find_slots

        times, counts = [], set()
        deadline = time.perf_counter() + CELL_SECONDS
        while len(times) < runs and (len(times) < MIN_RUNS or time.perf_counter() < deadline):
            self.calibrations.append(time_calibration())
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                slots = find_slots(
                    self.service, None, self.first, last, now=self.now, policy=self.policy
                )
                times.append(time.perf_counter() - started)
            counts.add(len(captured.captured_queries))
        return {
            "ms": statistics.median(times) * 1000,
            "least_ms": min(times) * 1000,
            "queries": max(counts),
            "query_counts": sorted(counts),
            "slots": len(slots),
            "runs": len(times),
        }


def _use(seeded: dict, count: int) -> None:
    """Only the first `count` scaling therapists take bookings, each with their room."""
    from bookings import clinic_setup
    from bookings.models import Room, Therapist

    therapists, rooms = seeded["therapists"], seeded["rooms"]
    Therapist.objects.update(active=False)
    Therapist.objects.filter(pk__in=[t.pk for t in therapists[:count]]).update(active=True)
    Room.objects.update(active=False)
    Room.objects.filter(pk__in=[r.pk for r in rooms[:count]]).update(active=True)
    # update() sends no signal: the setup held in memory is read again at the next use.
    clinic_setup.forget()


def _measure(*, now) -> dict:
    from tests.benchmarks.bench_seed import seed_scaling_therapists

    started = time.perf_counter()
    seeded = seed_scaling_therapists(max(THERAPISTS), now=now)
    seed_seconds = time.perf_counter() - started
    _analyse()
    bench = _Bench(now=now)
    _use(seeded, max(THERAPISTS))
    bench.cell(min(DAYS))  # warm-up: Python's first call pays for imports and compiling
    bench.calibrations.clear()
    cells = []
    for count in THERAPISTS:
        _use(seeded, count)
        for days in DAYS:
            cells.append({"therapists": count, "days": days, **bench.cell(days)})
    past = _past_row(bench, seeded)
    calibration_ms = statistics.median(bench.calibrations)
    for row in [*cells, past["without"], past["with"]]:
        row["x_calibration"] = row["ms"] / calibration_ms
    figures = {
        "cells": cells,
        "past": past,
        "calibration_ms": calibration_ms,
        "calibration_runs": len(bench.calibrations),
        "bookings": seeded["bookings"],
        "seed_seconds": seed_seconds,
        "runs": RUNS,
    }
    figures["verdicts"] = scaling_verdicts(figures)
    return figures


# The past-bookings row alternates without and with this many times, each block of
# PAST_RUNS runs: a shared machine's slow spells (and the first runs after adding rows) last
# longer than a cell's 7 runs, and this row's target is a difference of a few per cent.
PAST_ROUNDS = 3
PAST_RUNS = 25


def _past_row(bench: _Bench, seeded: dict) -> dict:
    """5 therapists x 30 days without and with PAST_BOOKINGS past bookings, PAST_ROUNDS
    times in turn (the past ones added in a savepoint rolled back each time, then analysed
    as the database's autovacuum would once they were committed); each side is the median
    of its blocks' medians."""
    from django.db import transaction

    from tests.benchmarks.bench_seed import seed_past_bookings

    _use(seeded, 5)
    withouts, withs, added = [], [], 0
    for _ in range(PAST_ROUNDS):
        withouts.append(bench.cell(30, PAST_RUNS))
        with transaction.atomic():
            added = seed_past_bookings(
                seeded["therapists"][:5],
                seeded["rooms"][:5],
                count=PAST_BOOKINGS,
                days=PAST_DAYS,
                now=bench.now,
            )
            _analyse()
            withs.append(bench.cell(30, PAST_RUNS))
            transaction.set_rollback(True)
    withouts.append(bench.cell(30, PAST_RUNS))
    without, with_past = _blocks(withouts), _blocks(withs)
    return {
        "added": added,
        "days": PAST_DAYS,
        "without": without,
        "with": with_past,
        "change": with_past["ms"] / without["ms"] - 1,
    }


def _analyse() -> None:
    """Table statistics for the rows just added, as autovacuum gathers them once rows are
    committed (these never are): PostgreSQL plans the bookings' read with them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE bookings_booking")


def _blocks(cells: list[dict]) -> dict:
    """Cells of the same measurement as one: the median of their least times (a run is only
    ever slowed by what else the machine does), every block's."""
    return {
        **cells[0],
        "ms": statistics.median(cell["least_ms"] for cell in cells),
        "ms_runs": [cell["least_ms"] for cell in cells],
        "queries": max(cell["queries"] for cell in cells),
    }


def scaling_verdicts(figures: dict) -> dict:
    by_cell = {(c["therapists"], c["days"]): c for c in figures["cells"]}
    verdicts = {}
    for (count, days), limit in TARGETS_MS.items():
        ms = by_cell[(count, days)]["ms"]
        verdicts[f"{count}x{days}"] = "PASS" if ms <= limit else "MISS"
    rows = [*figures["cells"], figures["past"]["without"], figures["past"]["with"]]
    counts = {count for row in rows for count in row["query_counts"]}
    verdicts["queries"] = "PASS" if len(counts) == 1 else "MISS"
    verdicts["past"] = "PASS" if figures["past"]["change"] < PAST_MAX_CHANGE else "MISS"
    return verdicts


def query_counts(figures: dict) -> list[int]:
    rows = [*figures["cells"], figures["past"]["without"], figures["past"]["with"]]
    return sorted({count for row in rows for count in row["query_counts"]})


def cell_text(row: dict) -> str:
    return f"{row['ms']:.1f} ms ({row['x_calibration']:.2f}×), {row['queries']} q"


def print_scaling(figures: dict) -> None:
    verdicts = figures["verdicts"]
    print(
        f"\nScaling in-process: cold find_slots(service, None, first, last) for scaling "
        f"therapists only (Mon–Sat, a room each, {figures['bookings']} bookings over 90 days),\n"
        f"the free-times cache off; median of {figures['runs']} runs (at least "
        f"{MIN_RUNS} where a cell takes over {CELL_SECONDS:.0f} s); ms (× the calibration loop), "
        f"queries.\nCalibration loop (fixed pure-Python work, timed beside the runs): "
        f"{figures['calibration_ms']:.1f} ms, median of {figures['calibration_runs']}"
    )
    print(f"  {'therapists':<12}" + "".join(f"{f'{days} days':<28}" for days in DAYS))
    by_cell = {(c["therapists"], c["days"]): c for c in figures["cells"]}
    for count in THERAPISTS:
        cells = "".join(f"{cell_text(by_cell[(count, days)]):<28}" for days in DAYS)
        print(f"  {count:<12}{cells}")
    targets = [
        f"{count} × {days} d ≤ {limit:.0f} ms {verdicts[f'{count}x{days}']}"
        for (count, days), limit in TARGETS_MS.items()
    ]
    counts = "/".join(str(c) for c in query_counts(figures))
    targets.append(f"queries constant ({counts}) {verdicts['queries']}")
    print("  targets: " + "; ".join(targets))
    past = figures["past"]
    print(
        f"  5 × 30 d with {past['added']:,} past bookings over {past['days']} days: "
        f"{cell_text(past['with'])} vs {cell_text(past['without'])} without "
        f"({past['change']:+.0%}; target < {PAST_MAX_CHANGE:.0%})   {verdicts['past']}"
    )
