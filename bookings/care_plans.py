"""Care plans: one service with one therapist every 1, 2 or 3 weeks, booked all or none.

Each date is checked under the same lock as a single booking, in one transaction, so a plan
never books some dates and not others, and never double-books a therapist or a room.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from . import notifications, services
from .availability import local_datetime
from .models import Booking, BookingPolicy, Series, Service, Therapist, normal_email, normal_name
from .refusals import BookingError, SlotUnavailable
from .schedules import bookable_therapists, check_slot
from .times import clinic_tz

SIZES = range(2, 13)
EVERY_WEEKS = (1, 2, 3)


def plan_dates(start: datetime, *, every: int, count: int) -> list[datetime]:
    """The plan's starts: the same wall-clock time every `every` weeks (right across DST)."""
    tz = clinic_tz()
    local = start.astimezone(tz)
    return [
        local_datetime(local.date() + timedelta(weeks=every * n), local.time(), tz)
        for n in range(count)
    ]


class SeriesUnavailable(SlotUnavailable):
    """A date of a care plan is not (or no longer) free: nothing of the plan was booked."""

    def __init__(self, message: str, code: str, *, start: datetime):
        super().__init__(message, code)
        self.start = start


def series_create(
    *,
    service: Service,
    therapist: Therapist,
    starts: list[datetime],
    every_weeks: int,
    name: str,
    email: str,
    phone: str,
    notes: str = "",
    now: datetime,
    source: str = Booking.Source.ONLINE,
    by: AbstractBaseUser | None = None,
    form_key: str | None = None,
) -> Series:
    """Book a care plan: `service` with `therapist` at every one of `starts`, all or none.

    Every date is checked under the lock (the therapist's row and the rooms'), in one
    transaction: if any is not free, SeriesUnavailable names it and nothing is booked. The
    client gets one email listing every session, with one calendar file. The same `form_key`
    sent twice books once and returns the first plan.
    """
    if len(starts) not in SIZES or every_weeks not in EVERY_WEEKS:
        raise BookingError(_("A care plan has 2 to 12 sessions, 1 to 3 weeks apart."), "series")
    candidates = bookable_therapists(service, therapist)
    with transaction.atomic():
        # The same lock as a single booking: the therapist's row, then the rooms'.
        services._lock_therapists(candidates, service)
        earlier = Booking.objects.filter(form_key=form_key).first() if form_key else None
        if earlier is not None and earlier.series is not None:
            earlier.series.repeated = True  # nothing booked, nobody emailed again
            return earlier.series
        if earlier is not None:  # the form booked one session first (back, then "a plan")
            form_key = None  # the plan is a request of its own; its dates are checked anew
        client = services.client_for(name=name, email=email, phone=phone)
        series = Series.objects.create(client=client, every_weeks=every_weeks)
        attendee = {
            "client": client,
            "series": series,
            "name": normal_name(name),
            "email": normal_email(email),
            "phone": phone,
            "notes": notes,
            "source": source,
        }
        for index, start in enumerate(sorted(starts)):
            booking = Booking(**attendee, form_key=form_key if index == 0 else None)
            _book_date(booking, candidates, service, start, now=now, by=by)
        notifications.series_created(series)  # outbox rows: kept or rolled back with it
    return series


def _book_date(booking: Booking, candidates, service, start, *, now, by) -> None:
    """One session of the plan, checked under the lock; SeriesUnavailable if it is taken."""
    policy = BookingPolicy.load()
    try:
        therapist, room = check_slot(
            candidates,
            service=service,
            start=start,
            now=now,
            policy=policy,
            staff=booking.source == Booking.Source.STAFF,
        )
    except SlotUnavailable as error:
        raise SeriesUnavailable(error.message, error.code, start=start) from error
    services.save_new(
        booking,
        service=service,
        therapist=therapist,
        room=room,
        start=start,
        now=now,
        policy=policy,
        by=by,
    )


def series_cancel_from(*, booking: Booking, now: datetime) -> tuple[list[Booking], list[Booking]]:
    """A client cancels their plan from `booking` on: (cancelled, kept because the policy no
    longer lets them change those online). Each cancellation is the single-booking one."""
    later = (
        Booking.objects.filter(series=booking.series_id, start__gte=booking.start)
        .filter(status=Booking.Status.CONFIRMED)
        .order_by("start")
    )
    cancelled, kept = [], []
    for session in later:
        try:
            cancelled.append(services.booking_cancel(booking=session, now=now))
        except BookingError:
            kept.append(session)
    return cancelled, kept
