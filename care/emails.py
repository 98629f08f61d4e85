"""Emails about health forms. None carries an answer, a flag or a note: they name the booking.

Written with the bookings' email helper into the outbox, inside the transaction of the change
they report (care.services); a worker sends them once it has committed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings import notifications
from bookings.models import Booking
from bookings.times import subject_when

# The group whose members are asked to call clients (bookings/demo.py creates it).
FRONT_DESK_GROUP = "Front desk"


def admin_link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def front_desk_addresses() -> list[str]:
    addresses = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=FRONT_DESK_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(set(addresses)) or [settings.CLINIC["email"]]


def _when(booking: Booking) -> str:
    return subject_when(booking.start)


def review_needed(bookings: list[Booking], intake) -> None:
    """Each upcoming session's therapist: a form needs their review before it."""
    told = set()
    for booking in bookings:
        address = booking.therapist.email
        if not address or address in told:
            continue
        told.add(address)
        notifications._send(
            "care/review_needed",
            _("A health form needs your review before %(when)s") % {"when": _when(booking)},
            address,
            {
                "booking": booking,
                "review_url": admin_link("admin:care_intake_change", intake.pk)
                + f"?booking={booking.pk}",
            },
        )


def cleared(booking: Booking) -> None:
    if not booking.emailable:
        return  # booked by phone without an email
    notifications._send(
        "care/cleared",
        _("Thank you: your therapist has read your form"),
        booking.email,
        {"booking": booking, "manage_url": notifications.manage_url(booking)},
    )


def not_suitable(booking: Booking) -> None:
    """The client, kindly and without health details; the front desk is asked to call."""
    if booking.emailable:
        notifications._send(
            "care/not_suitable",
            _("About your session on %(when)s") % {"when": _when(booking)},
            booking.email,
            {"booking": booking},
        )
    for address in front_desk_addresses():
        notifications._send(
            "care/call_client",
            _("Please call %(name)s about booking %(ref)s")
            % {"name": booking.name, "ref": booking.reference},
            address,
            {
                "booking": booking,
                "booking_url": admin_link("admin:bookings_booking_change", booking.pk),
            },
        )


def review_alert(booking: Booking) -> None:
    for address in front_desk_addresses():
        notifications._send(
            "care/review_alert",
            _("Not reviewed yet: booking %(ref)s, %(when)s")
            % {"ref": booking.reference, "when": _when(booking)},
            address,
            {
                "booking": booking,
                "booking_url": admin_link("admin:bookings_booking_change", booking.pk),
                "reviews_url": admin_link("admin:care_sessionintake_changelist"),
            },
        )
