"""Claiming a waitlist offer: the booking path, under the booking lock.

Of several people claiming one time, the first wins (`services.booking_create` under the
therapist and room lock, backed by the exclusion constraints); the others are told it has been
taken and stay on the list. The same link sent twice books once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Booking, BookingChange, Therapist, WaitlistEntry, WaitlistOffer
from .refusals import BookingError
from .times import admin_time

OFFER_REFUSALS = {
    "expired": gettext_lazy(
        "Sorry, this offer has expired and the time has been offered to the next person on "
        "the waitlist. You are still on the list, and we will email you when another time "
        "frees up."
    ),
    "taken": gettext_lazy(
        "Sorry, someone else claimed this time a moment before you. You are still on the "
        "waitlist, and we will email you when another time frees up."
    ),
    "withdrawn": gettext_lazy("This offer is no longer open: you have left the waitlist."),
}


class OfferClosed(BookingError):
    """An offer that can no longer be claimed: expired, taken, or withdrawn."""

    def __init__(self, code: str):
        super().__init__(str(OFFER_REFUSALS.get(code, OFFER_REFUSALS["taken"])), code)

    @property
    def status(self) -> int:
        return 410 if self.code == "expired" else 409


def offer_refusal(offer: WaitlistOffer, *, now: datetime) -> str | None:
    """Why this offer cannot be claimed now, as a code of OFFER_REFUSALS; None if it can."""
    if offer.status == WaitlistOffer.Status.OPEN:
        return "expired" if offer.expires_at <= now else None
    if offer.status == WaitlistOffer.Status.CLAIMED:
        return None
    return offer.status


def waitlist_claim(*, offer: WaitlistOffer, now: datetime) -> Booking:
    """Book the offered time for the entry, through `services.booking_create` under its lock.

    The first claim of a time wins; a later one raises OfferClosed("taken") and its entry
    stays on the list. An expired offer raises OfferClosed("expired"). The same link sent
    twice books once and returns the booking.
    """
    with transaction.atomic():
        # The therapist's row first, as every booking locks it, then the offer's row, read
        # afresh: two taps of one link take turns here, and claims of one time never deadlock.
        list(Therapist.objects.select_for_update().filter(pk=offer.therapist_id).values_list("pk"))
        offer = (
            WaitlistOffer.objects.select_for_update(of=("self",))
            .select_related("entry", "service", "therapist")
            .get(pk=offer.pk)
        )
        if offer.status == WaitlistOffer.Status.CLAIMED and offer.booking_id:
            return offer.booking
        code = offer_refusal(offer, now=now)
        if code is None:
            try:
                booking = _book(offer, now)
            except BookingError:
                code = "taken"  # booked a moment ago: online, by the front desk, or a claim
            else:
                _claimed(offer, booking, now)
                return booking
        if offer.status == WaitlistOffer.Status.OPEN:
            offer.status, offer.closed_at = code, now
            offer.save(update_fields=["status", "closed_at"])
    raise OfferClosed(code)


def _book(offer: WaitlistOffer, now: datetime) -> Booking:
    entry = offer.entry
    return services.booking_create(
        service=offer.service,
        therapist=offer.therapist,
        start=offer.start,
        name=entry.name,
        email=entry.email,
        phone=entry.phone,
        now=now,
    )


def _claimed(offer: WaitlistOffer, booking: Booking, now: datetime) -> None:
    """The offer booked: its entry leaves the list, its other offers and the other offers of
    this time close."""
    offer.status, offer.booking, offer.closed_at = WaitlistOffer.Status.CLAIMED, booking, now
    offer.save(update_fields=["status", "booking", "closed_at"])
    WaitlistEntry.objects.filter(pk=offer.entry_id).update(
        status=WaitlistEntry.Status.BOOKED, booking=booking, closed_at=now
    )
    WaitlistOffer.objects.open().filter(entry_id=offer.entry_id).update(
        status=WaitlistOffer.Status.WITHDRAWN, closed_at=now
    )
    WaitlistOffer.objects.open().for_slot(offer.service, offer.therapist, offer.start).update(
        status=WaitlistOffer.Status.TAKEN, closed_at=now
    )
    BookingChange.objects.create(
        booking=booking,
        actor=BookingChange.Actor.CLIENT,
        at=now,
        action=_("Claimed from the waitlist (offered %(when)s)")
        % {"when": admin_time(offer.offered_at)},
    )
