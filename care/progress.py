"""Progress over sessions: the figures, and the geometry of their chart.

Why a small template of our own rather than pygal: the chart is a few lines and dots on a
0-10 scale; drawing it ourselves keeps every figure in markup we control (a <title>, a
<desc>, a label per point, the same numbers in a table beside it), needs no inline styles
or scripts that the Content-Security-Policy would refuse, prints as it shows, and adds no
dependency. The template is care/_progress_chart.html.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from bookings.models import Booking, Client, Service
from bookings.times import clinic_tz

from .models import Outcome

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 20, 48
SERIES = [
    ("pain", Outcome.Measure.PAIN_BEFORE),
    ("function", Outcome.Measure.FUNCTION),
]


@dataclass
class Row:
    """One session's figures; None where nothing was measured."""

    booking: Booking
    day: date
    number: int
    pain_before: float | None = None
    pain_after: float | None = None
    pain_next_day: float | None = None
    function: float | None = None

    @property
    def pain(self) -> float | None:
        """The session's pain: the client's own before it, else the therapist's after it."""
        return self.pain_before if self.pain_before is not None else self.pain_after


@dataclass
class Chart:
    rows: list[Row]
    width: int = WIDTH
    height: int = HEIGHT
    lines: dict = field(default_factory=dict)
    ticks: list = field(default_factory=list)
    columns: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def progress_rows(client: Client) -> list[Row]:
    """The person's completed sessions that have a measure, oldest first (one query): a
    score given before a session that was then cancelled, missed or not yet held is not
    progress."""
    outcomes = list(
        Outcome.objects.filter(client=client, booking__status=Booking.Status.COMPLETED)
        .select_related("booking__service")
        .order_by("booking__start", "pk")
    )
    rows: dict[int, Row] = {}
    for outcome in outcomes:
        booking = outcome.booking
        row = rows.get(booking.pk)
        if row is None:
            day = booking.start.astimezone(clinic_tz()).date()
            row = rows[booking.pk] = Row(booking=booking, day=day, number=len(rows) + 1)
        setattr(row, outcome.measure, outcome.score)
    return list(rows.values())


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return round(LEFT + (span / 2 if count == 1 else span * index / (count - 1)), 1)


def _y(value: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (10 - value) / 10, 1)


def chart(rows: list[Row]) -> Chart:
    """Points and polylines for pain (lower is better) and function (higher is better)."""
    result = Chart(rows=rows)
    result.ticks = [{"value": v, "y": _y(v)} for v in range(0, 11, 2)]
    result.columns = [
        {"x": _x(i, len(rows)), "label": f"{row.day:%b} {row.day.day}"}
        for i, row in enumerate(rows)
    ]
    for name, _measure in SERIES:
        points = [
            {"x": _x(i, len(rows)), "y": _y(value), "value": value, "day": row.day}
            for i, row in enumerate(rows)
            if (value := (row.pain if name == "pain" else row.function)) is not None
        ]
        result.lines[name] = {
            "points": points,
            "path": " ".join(f"{p['x']},{p['y']}" for p in points),
        }
    return result


# --- For the owner: outcomes per service ---------------------------------------------------


@dataclass
class ServiceOutcome:
    service: Service
    clients: int  # with four or more completed sessions of this service
    pain_change: float | None  # median change from the first session to the fourth
    function_change: float | None


def _scores(outcomes, booking_id: int) -> dict:
    return {o.measure: o.score for o in outcomes if o.booking_id == booking_id}


def _changes(sessions: list[Booking], outcomes: list[Outcome]) -> tuple:
    first, fourth = _scores(outcomes, sessions[0].pk), _scores(outcomes, sessions[3].pk)
    changes = []
    for measures in [("pain_before", "pain_after"), ("function",)]:
        before = next((first[m] for m in measures if first.get(m) is not None), None)
        after = next((fourth[m] for m in measures if fourth.get(m) is not None), None)
        changes.append(None if before is None or after is None else after - before)
    return tuple(changes)


def _median(values: list) -> float | None:
    found = [v for v in values if v is not None]
    return round(statistics.median(found), 1) if found else None


def outcomes_by_service() -> list[ServiceOutcome]:
    """Per service: clients with four or more completed sessions of it, and the median
    change in pain and in function (PSFS mean) from their first session to their fourth.

    A negative pain change and a positive function change mean better."""
    sessions = list(
        Booking.objects.filter(status=Booking.Status.COMPLETED)
        .select_related("service")
        .order_by("start", "pk")
    )
    outcomes = list(Outcome.objects.filter(booking__status=Booking.Status.COMPLETED))
    by_pair: dict[tuple[int, int], list[Booking]] = {}
    for booking in sessions:
        by_pair.setdefault((booking.service_id, booking.client_id), []).append(booking)
    services = {b.service_id: b.service for b in sessions}
    found: dict[int, list[tuple]] = {pk: [] for pk in services}
    for (service_id, client_id), mine in by_pair.items():
        if len(mine) >= 4:
            theirs = [o for o in outcomes if o.client_id == client_id]
            found[service_id].append(_changes(mine, theirs))
    return [
        ServiceOutcome(
            service=services[pk],
            clients=len(changes),
            pain_change=_median([c[0] for c in changes]),
            function_change=_median([c[1] for c in changes]),
        )
        for pk, changes in sorted(found.items(), key=lambda item: services[item[0]].order)
    ]


def outcome_bars(results: list[ServiceOutcome]) -> dict:
    """Geometry of the owner's bar chart: median changes on a -10..10 scale."""
    middle, half, row = 320, 200, 56
    bars = []
    for i, result in enumerate(results):
        for j, (name, value) in enumerate(
            [("pain", result.pain_change), ("function", result.function_change)]
        ):
            width = round(abs(value or 0) * half / 10, 1)
            x = middle if (value or 0) >= 0 else middle - width
            bars.append(
                {"name": name, "value": value, "x": x, "y": 20 + i * row + j * 22, "width": width}
            )
    labels = [{"text": r.service.name, "y": 34 + i * row} for i, r in enumerate(results)]
    return {
        "bars": bars,
        "labels": labels,
        "middle": middle,
        "height": 40 + len(results) * row,
    }
