"""Loading the availability engine's inputs from the database.

One query per kind of row (therapists with their hours, time off, closures, bookings),
whatever the date range and however many therapists: never a query per day or per slot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch

from . import availability
from .models import Booking, BookingPolicy, Closure, Therapist, TimeOff, WorkingHours


def clinic_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def rules_from(policy: BookingPolicy) -> availability.Rules:
    return availability.Rules(step=policy.step, notice=policy.notice, horizon=policy.horizon)


@dataclass
class Loaded:
    schedules: list[availability.Schedule]
    load: dict[str, dict[date, int]]


def therapists_with_hours(queryset):
    return queryset.prefetch_related(
        Prefetch("hours", queryset=WorkingHours.objects.order_by("weekday", "start"))
    )


def load_schedules(
    therapists: Sequence[Therapist],
    first: date,
    last: date,
    *,
    exclude_booking: Booking | None = None,
    tz: ZoneInfo | None = None,
) -> Loaded:
    """Schedules of `therapists` (hours already prefetched) for local dates first..last.

    `exclude_booking` leaves one booking out of the busy times: the one being rescheduled.
    """
    tz = tz or clinic_tz()
    window_start = datetime.combine(first - timedelta(days=1), time.min, tzinfo=tz)
    window_end = datetime.combine(last + timedelta(days=2), time.min, tzinfo=tz)
    by_id = {t.pk: availability.Schedule(key=t.slug, weekly=_weekly(t)) for t in therapists}
    load: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))

    for row in TimeOff.objects.filter(
        therapist__in=list(by_id), start__lt=window_end, end__gt=window_start
    ).values_list("therapist_id", "start", "end"):
        by_id[row[0]].off.append((row[1], row[2]))

    closures = list(
        Closure.objects.filter(start__lt=window_end, end__gt=window_start).values_list(
            "start", "end"
        )
    )
    for schedule in by_id.values():
        schedule.off.extend(closures)

    bookings = Booking.objects.active().filter(
        therapist__in=list(by_id), start__lt=window_end, blocked_until__gt=window_start
    )
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    for therapist_id, start, blocked_until in bookings.values_list(
        "therapist_id", "start", "blocked_until"
    ):
        schedule = by_id[therapist_id]
        schedule.booked.append((start, blocked_until))
        load[schedule.key][start.astimezone(tz).date()] += 1

    return Loaded(schedules=[by_id[t.pk] for t in therapists], load=load)


def _weekly(therapist: Therapist) -> dict[int, list[tuple[time, time]]]:
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for hours in therapist.hours.all():
        weekly[hours.weekday].append((hours.start, hours.end))
    return weekly
