"""The time picker: a week of days with their free times, for booking and for rescheduling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from . import clinic_setup
from .clinic_setup import ClinicSetup
from .forms import ANY, SlotForm
from .models import Booking, BookingPolicy, Service
from .schedules import find_starts
from .times import client_clocks, clinic_tz, day_label

WEEK = 7


@dataclass
class Time:
    """A free time on the chosen day: its start, as the picker shows it, and its link's query."""

    start: datetime
    label: str
    query: str


@dataclass
class Day:
    date: date
    slots: list[datetime]  # the free starts, in clinic time
    bookable: bool  # inside today..horizon
    open: bool  # someone who offers the service works that weekday, and the clinic is open
    name: str = ""  # "Tue"
    label: str = ""  # "Dec 8"


def picker_context(
    params,
    service: Service,
    *,
    now: datetime,
    policy: BookingPolicy,
    exclude_booking: Booking | None = None,
    setup: ClinicSetup | None = None,
) -> dict:
    """The therapist, week and time choices for a service, from the query `params`.

    A parameter that makes no sense is explained in `errors` and left out: the page still
    works, on "any" therapist and the first day with a free time.
    """
    setup = setup or clinic_setup.current()
    form = SlotForm(params, now=now, policy=policy, service=service, setup=setup)
    form.is_valid()
    therapist, chosen = form.cleaned_data.get("therapist"), form.cleaned_data.get("date")
    tz = clinic_tz()
    today = form.today
    last_day = (now + policy.horizon).astimezone(tz).date()
    offering = setup.offering(service)

    options = {"now": now, "policy": policy, "offering": offering, "setup": setup}

    def search(first: date, last: date) -> list[datetime]:
        last = min(last, last_day)
        starts = find_starts(
            service, therapist, first, last, **options, exclude_booking=exclude_booking
        )
        return [datetime.fromtimestamp(seconds, tz) for seconds, _, _ in starts]

    chosen, moments = _chosen_day(search, chosen, today=today)
    week_start = chosen - timedelta(days=chosen.weekday())
    week_end = week_start + timedelta(days=WEEK - 1)
    by_day: dict[date, list[datetime]] = {}
    for moment in moments:
        by_day.setdefault(moment.date(), []).append(moment)
    therapist_param = therapist.slug if therapist else ANY
    next_week = week_start + timedelta(days=WEEK)
    return {
        "service": service,
        "errors": form.messages(),
        "therapist": therapist,
        "therapist_param": therapist_param,
        "therapists": offering,
        "days": _days(
            week_start, by_day, offering, therapist, setup, today=today, last_day=last_day
        ),
        "chosen": chosen,
        "today": today,
        "chosen_times": _times(by_day.get(chosen, []), therapist_param),
        "week_start": week_start,
        "week_end": week_end,
        "previous_week": week_start - timedelta(days=WEEK) if week_start > today else None,
        "next_week": next_week if next_week <= last_day else None,
        "time_zone": tz,
        "policy": policy,
        "setup_edition": setup.edition,
    }


# What urlencode does to an ISO time (digits, "-", "T", ":" and "+" only).
_QUOTED_ISO = str.maketrans({":": "%3A", "+": "%2B"})


def _times(moments: list[datetime], therapist_param: str) -> list[Time]:
    """The chosen day's free times (in clinic time), with their links' queries, as
    urlencode({"therapist": ..., "start": ...}) writes them."""
    therapist = urlencode({"therapist": therapist_param})
    return [
        Time(start=moment, label=label, query=f"{therapist}&start={iso.translate(_QUOTED_ISO)}")
        for moment, label, iso in zip(
            moments, client_clocks(moments), (m.isoformat() for m in moments), strict=True
        )
    ]


def _chosen_day(search, chosen: date | None, *, today: date) -> tuple[date, list[datetime]]:
    """The day to show, and free starts that cover its week (`search(first, last)`).

    No day chosen: the first day with a free time in the next two weeks; most often there is
    one this very week, and one search covers it.
    """
    if chosen is not None:
        monday = chosen - timedelta(days=chosen.weekday())
        return chosen, search(max(monday, today), monday + timedelta(days=WEEK - 1))
    sunday = today + timedelta(days=WEEK - 1 - today.weekday())
    moments = search(today, sunday) or search(
        sunday + timedelta(days=1), sunday + timedelta(days=2 * WEEK)
    )
    soon = [moment for moment in moments if moment.date() <= today + timedelta(days=13)]
    return (soon[0].date() if soon else today), moments


def _days(monday, by_day, offering, therapist, setup, *, today, last_day) -> list[Day]:
    """The week from `monday`: each day's free times, whether it can be booked and is open."""
    working = {
        weekday
        for person in offering
        if therapist is None or person.pk == therapist.pk
        for weekday, spans in setup.week_of(person).items()
        if spans
    }
    closed = _closed_days(monday, setup)
    return [
        Day(
            date=day,
            slots=by_day.get(day, []),
            bookable=today <= day <= last_day,
            open=day.weekday() in working and day not in closed,
            name=day_label(day, "D"),
            label=day_label(day, "M j"),
        )
        for day in _week(monday)
    ]


def _week(monday: date) -> list[date]:
    return [monday + timedelta(days=offset) for offset in range(WEEK)]


def _closed_days(monday: date, setup: ClinicSetup) -> set[date]:
    """The days of the week from `monday` that a clinic closure covers from midnight to midnight."""
    tz = clinic_tz()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=tz)

    closures = setup.closures_between(midnight(monday), midnight(monday + timedelta(days=WEEK)))
    return {
        day
        for start, end in closures
        for day in _week(monday)
        if start <= midnight(day) and midnight(day + timedelta(days=1)) <= end
    }
