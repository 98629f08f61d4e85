"""What a booking's own page (`/bookings/<token>/`) reads of the database, in one query
compiled once (clinic/compiled.py): the booking's columns the page reads, its service and
therapist, the status of the newest email to its contact, the policy's cancellation window,
and what its health form and pain boxes show (care/booking_page.py). One round trip: on
PostgreSQL each costs a few hundred microseconds. Every other page of the booking reads it
the usual way.

A column the page starts to read must be added here, or each view of the page costs one
more query (tests/bookings/test_self_service.py counts them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery

from care import booking_page as care_page
from clinic.compiled import CompiledQuery, fields_of, instance

from .models import Booking, BookingPolicy, OutboxEmail, Service, Therapist

BOOKING = fields_of(
    Booking,
    {"id", "reference", "token", "client_id", "name", "email", "service_id", "therapist_id"}
    | {"series_id", "start", "end", "status", "price"},
)
SERVICE = fields_of(Service, {"id", "name", "slug", "what_to_expect", "duration", "price"})
THERAPIST = fields_of(Therapist, {"id", "name"})
POLICY = ("id", "cancellation_window")


def _query(token: str):
    newest_email = (
        OutboxEmail.objects.filter(booking=OuterRef("pk"), to=OuterRef("email"))
        .order_by("-created_at", "-pk")
        .values("status")[:1]
    )
    window = BookingPolicy.objects.filter(pk=1).values("cancellation_window")[:1]
    return (
        # One booking per token: nothing to sort.
        Booking.objects.filter(token=token)
        .order_by()
        .annotate(
            email_status=Subquery(newest_email),
            policy_window=Subquery(window),
            **care_page.annotations(),
        )
        .values_list(
            *BOOKING,
            *(f"service__{name}" for name in SERVICE),
            *(f"therapist__{name}" for name in THERAPIST),
            # Annotations come last, in this order (clinic/compiled.py).
            "email_status",
            "policy_window",
            *care_page.ANNOTATIONS,
        )
    )


_page = CompiledQuery(_query, str)

# What a redirect to the page has just done, as the tag of its message: the page says it in
# its heading and intro line, in place of the banner (views/self_service.py `_news`).
MOVED, PLAN_BOOKED = "booking-moved", "plan-booked"
NEWS = (MOVED, PLAN_BOOKED)


@dataclass
class BookingPage:
    booking: Booking  # with its service and therapist
    # The policy: its cancellation window read, any other field loaded on first use.
    policy: BookingPolicy
    # outbox.client_email_status(booking)
    email_status: str | None
    # care/booking_page.py: the health form and pain boxes' contexts ("health", "pain")
    care: dict


def read(token: str, *, now: datetime) -> BookingPage | None:
    """The booking with this token as its page reads it, or None."""
    row = _page.first(token) if len(token) <= 64 else None
    if row is None:
        return None
    service_at = len(BOOKING)
    therapist_at = service_at + len(SERVICE)
    annotations_at = therapist_at + len(THERAPIST)
    booking = instance(Booking, BOOKING, row[:service_at])
    booking.service = instance(Service, SERVICE, row[service_at:therapist_at])
    booking.therapist = instance(Therapist, THERAPIST, row[therapist_at:annotations_at])
    email_status, window, *care = row[annotations_at:]
    # As BookingPolicy.load(): its defaults until the owner saves it.
    policy = BookingPolicy(pk=1) if window is None else instance(BookingPolicy, POLICY, (1, window))
    return BookingPage(
        booking,
        policy,
        email_status if booking.email else None,
        care_page.boxes(booking, care, now=now),
    )
