"""The time picker: a week of days with their free times, for booking and for rescheduling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from . import availability
from .forms import ANY, SlotForm
from .models import Booking, BookingPolicy, Closure, Service, Therapist
from .schedules import find_slots, in_clinic_time, therapists_with_hours
from .times import clinic_tz

WEEK = 7


@dataclass
class Day:
    date: date
    slots: list[availability.Slot]
    bookable: bool  # inside today..horizon
    open: bool  # someone who offers the service works that weekday, and the clinic is open


def picker_context(
    params,
    service: Service,
    *,
    now: datetime,
    policy: BookingPolicy,
    exclude_booking: Booking | None = None,
) -> dict:
    """The therapist, week and time choices for a service, from the query `params`.

    A parameter that makes no sense is explained in `errors` and left out: the page still
    works, on "any" therapist and the first day with a free time.
    """
    form = SlotForm(params, now=now, policy=policy, service=service)
    form.is_valid()
    therapist, chosen = form.cleaned_data.get("therapist"), form.cleaned_data.get("date")
    tz = clinic_tz()
    today = form.today
    last_day = (now + policy.horizon).astimezone(tz).date()
    offering = _offering(service)

    def slots(first: date, last: date) -> list[availability.Slot]:
        return find_slots(
            service,
            therapist,
            first,
            last,
            now=now,
            policy=policy,
            exclude_booking=exclude_booking,
            offering=offering,
        )

    if chosen is None:
        # No day chosen: open on the first day with a free time in the next two weeks.
        upcoming = slots(today, min(today + timedelta(days=13), last_day))
        chosen = upcoming[0].start.astimezone(tz).date() if upcoming else today
    week_start = chosen - timedelta(days=chosen.weekday())
    week_end = week_start + timedelta(days=WEEK - 1)
    by_day: dict[date, list] = {}
    for slot in in_clinic_time(slots(max(week_start, today), min(week_end, last_day))):
        by_day.setdefault(slot.start.date(), []).append(slot)
    next_week = week_start + timedelta(days=WEEK)
    return {
        "service": service,
        "errors": form.messages(),
        "therapist": therapist,
        "therapist_param": therapist.slug if therapist else ANY,
        "therapists": offering,
        "days": _days(week_start, by_day, offering, therapist, today=today, last_day=last_day),
        "chosen": chosen,
        "today": today,
        "chosen_slots": by_day.get(chosen, []),
        "week_start": week_start,
        "week_end": week_end,
        "previous_week": week_start - timedelta(days=WEEK) if week_start > today else None,
        "next_week": next_week if next_week <= last_day else None,
        "time_zone": tz,
        "policy": policy,
    }


def _offering(service: Service) -> list[Therapist]:
    """Who offers the service, with their hours and headshots (the choices show faces)."""
    return list(
        therapists_with_hours(Therapist.objects.offering(service).select_related("headshot"))
    )


def _days(monday, by_day, offering, therapist, *, today, last_day) -> list[Day]:
    """The week from `monday`: each day's free times, whether it can be booked and is open."""
    working = {
        hours.weekday
        for person in offering
        if therapist is None or person.pk == therapist.pk
        for hours in person.hours.all()
    }
    closed = _closed_days(monday)
    return [
        Day(
            date=day,
            slots=by_day.get(day, []),
            bookable=today <= day <= last_day,
            open=day.weekday() in working and day not in closed,
        )
        for day in _week(monday)
    ]


def _week(monday: date) -> list[date]:
    return [monday + timedelta(days=offset) for offset in range(WEEK)]


def _closed_days(monday: date) -> set[date]:
    """The days of the week from `monday` that a clinic closure covers from midnight to midnight."""
    tz = clinic_tz()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=tz)

    closures = Closure.objects.overlapping(
        midnight(monday), midnight(monday + timedelta(days=WEEK))
    ).values_list("start", "end")
    return {
        day
        for start, end in closures
        for day in _week(monday)
        if start <= midnight(day) and midnight(day + timedelta(days=1)) <= end
    }
