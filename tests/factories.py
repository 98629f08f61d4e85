"""Keyword-only factories for the clinic's rows, and clinic-time helpers, for every test."""

import itertools
from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from bookings.models import Booking, Client, Service, Therapist, WorkingHours

DENVER = ZoneInfo("America/Denver")
# A Monday morning in Billings, well before the sessions the tests book.
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=DENVER)


def local(day: str, at: str) -> datetime:
    """An aware clinic-time datetime: local("2026-12-08", "10:00")."""
    return datetime.combine(
        datetime.fromisoformat(day).date(), time.fromisoformat(at), tzinfo=DENVER
    )


def make_service(
    *,
    slug="sciatica-relief-60",
    name="Sciatica relief massage",
    kind="sciatica",
    duration=60,
    buffer_after=15,
    price="95.00",
    active=True,
    order=0,
) -> Service:
    return Service.objects.create(
        slug=slug,
        name=name,
        kind=kind,
        summary=f"{name} for people in pain.",
        description="Slow work on the muscles around the sciatic nerve.\n\nWe check in often.",
        techniques="Deep tissue\nMyofascial release\nTrigger point therapy",
        who_it_helps="People with sciatica\nDesk workers",
        what_to_expect="Arrive ten minutes early.",
        duration=duration,
        buffer_after=buffer_after,
        price=Decimal(price),
        active=active,
        order=order,
    )


WEEKDAYS_9_TO_5_WITH_LUNCH = {day: [("09:00", "12:00"), ("13:00", "17:00")] for day in range(5)}


def make_therapist(
    *,
    slug="maren",
    name="Maren Ostby",
    services=(),
    hours=None,
    user=None,
    email="maren@clinic.example",
    order=0,
) -> Therapist:
    therapist = Therapist.objects.create(
        slug=slug,
        name=name,
        email=email,
        bio="Fourteen years of practice in Billings.\n\nLoves the Rims trails.",
        credentials="LMT, Montana license MT-LMT-0000412",
        techniques="Deep tissue\nTrigger point therapy",
        user=user,
        order=order,
    )
    therapist.services.set(services)
    for weekday, intervals in (WEEKDAYS_9_TO_5_WITH_LUNCH if hours is None else hours).items():
        for start, end in intervals:
            WorkingHours.objects.create(
                therapist=therapist,
                weekday=weekday,
                start=time.fromisoformat(start),
                end=time.fromisoformat(end),
            )
    return therapist


_client_numbers = itertools.count(1)


def make_client(*, name="Ruth Andersen", email=None, phone="(406) 555-0147") -> Client:
    email = email or f"client{next(_client_numbers)}@example.com"
    return Client.objects.create(name=name, email=email, phone=phone)


def make_booking(
    *,
    therapist,
    service,
    start,
    client=None,
    status=Booking.Status.CONFIRMED,
    notes="",
    room=None,
) -> Booking:
    client = client or make_client()
    booking = Booking(
        therapist=therapist,
        service=service,
        client=client,
        name=client.name,
        email=client.email,
        phone=client.phone,
        status=status,
        notes=notes,
        room=room,
    )
    booking.set_times(start)
    booking.save()
    return booking


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
