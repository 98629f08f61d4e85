"""The waitlist: joining, and offers when time frees up (claiming: `waitlist_claims`).

Offers go to the entries a free time suits, in the order they joined, at most
`waitlist_offers_at_once` at a time; each stays open for the policy's minutes and never past
the minimum notice. Making offers for a time takes the therapist's row lock (as a booking
does), so two workers offering the same time take turns and the second counts the first's
offers: each entry is offered a time once (a unique constraint backs that up).

Claiming books through `services.booking_create`, under the booking lock and the exclusion
constraints: of several people claiming one time, the first wins and the others are told it
has been taken, and stay on the list. Emails are outbox rows written with the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from . import notifications
from .models import (
    Booking,
    BookingPolicy,
    Service,
    Therapist,
    WaitlistEntry,
    WaitlistOffer,
)
from .refusals import BookingError
from .schedules import bookable_therapists, check_slot, find_slots, therapists_with_hours
from .times import clinic_tz

# Claiming lives in waitlist_claims; the waitlist's callers find it here too.
from .waitlist_claims import (  # noqa: F401
    OFFER_REFUSALS,
    OfferClosed,
    offer_refusal,
    waitlist_claim,
)

# An offer open for less than this is no use to anyone: such a time is not offered.
MIN_OPEN = timedelta(minutes=5)
# The sweep looks again at times freed or offered this recently.
RECENT = timedelta(days=1)
BATCH = 100


@dataclass(frozen=True)
class Wishes:
    """What an entry waits for, as the joining form gives it."""

    service: Service
    therapist: Therapist | None
    weekdays: list[int]
    parts: list[str]
    from_date: date
    until_date: date | None


def _apply(entry: WaitlistEntry, wishes: Wishes) -> None:
    entry.service, entry.therapist = wishes.service, wishes.therapist
    entry.weekdays = "".join(str(day) for day in sorted(set(wishes.weekdays)))
    entry.parts = ",".join(wishes.parts)
    entry.from_date, entry.until_date = wishes.from_date, wishes.until_date


def waitlist_join(
    *, wishes: Wishes, name: str, email: str, phone: str, now: datetime
) -> WaitlistEntry:
    """Put someone on the waitlist; the email confirming it (with their link) goes out after
    commit. Their place is the moment they joined."""
    entry = WaitlistEntry(name=name, email=email.strip().lower(), phone=phone, joined_at=now)
    _apply(entry, wishes)
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        notifications.waitlist_joined(entry)
    return entry


def waitlist_change(*, entry: WaitlistEntry, wishes: Wishes, now: datetime) -> WaitlistEntry:
    """Change what a waiting entry waits for; it keeps its place. Open offers stay open."""
    if entry.status != WaitlistEntry.Status.WAITING:
        raise BookingError(_("This entry is no longer on the waitlist."), "closed")
    _apply(entry, wishes)
    entry.full_clean()
    entry.save()
    return entry


def waitlist_leave(*, entry: WaitlistEntry, now: datetime) -> bool:
    """Take an entry off the list; its open offers are withdrawn. False if it had left."""
    with transaction.atomic():
        left = WaitlistEntry.objects.filter(
            pk=entry.pk, status=WaitlistEntry.Status.WAITING
        ).update(status=WaitlistEntry.Status.LEFT, closed_at=now)
        entry.offers.open().update(status=WaitlistOffer.Status.WITHDRAWN, closed_at=now)
    return bool(left)


# --- Offers ---------------------------------------------------------------------------------


def offer_expiry(start: datetime, *, now: datetime, policy: BookingPolicy) -> datetime | None:
    """When an offer made now closes: after the policy's minutes, but never later than the
    minimum notice before the session. None when that leaves too little time to claim."""
    expires = min(now + policy.offer_open, start - policy.notice)
    return expires if expires - now >= MIN_OPEN else None


def _lock_and_check(service: Service, therapist: Therapist, start: datetime, now, policy):
    """Lock the therapist's row (as a booking does: offers for their times are made one
    worker at a time) and check the time is free; BookingError otherwise."""
    candidates = bookable_therapists(service, therapist)
    list(Therapist.objects.select_for_update().filter(pk=therapist.pk).values_list("pk"))
    check_slot(candidates, service=service, start=start, now=now, policy=policy)


def _new_offer(entry, *, therapist, start, expires, now, by=None) -> WaitlistOffer:
    offer = WaitlistOffer.objects.create(
        entry=entry,
        service=entry.service,
        therapist=therapist,
        start=start,
        offered_at=now,
        expires_at=expires,
        offered_by=by,
    )
    notifications.waitlist_offer(offer)  # into the outbox with the offer
    return offer


def _next_entries(service, therapist, start, *, room: int) -> list[WaitlistEntry]:
    """The first `room` waiting entries (in join order) that the time suits and that have not
    been offered it, nor hold another open offer."""
    offered = WaitlistOffer.objects.for_slot(service, therapist, start).values("entry_id")
    holding = WaitlistOffer.objects.open().values("entry_id")
    candidates = (
        WaitlistEntry.objects.waiting()
        .filter(service=service)
        .filter(Q(therapist=None) | Q(therapist=therapist))
        .exclude(pk__in=offered)
        .exclude(pk__in=holding)
        .select_related("service", "therapist")
        .order_by("joined_at", "pk")
    )
    return [entry for entry in candidates if entry.suits(start)][:room]


def offer_slot(
    *, service: Service, therapist: Therapist, start: datetime, now: datetime, policy=None
) -> list[WaitlistOffer]:
    """Offer one free time to the next entries it suits, up to the policy's number of open
    offers for it. Safe to call again and from several workers: it only tops up."""
    policy = policy or BookingPolicy.load()
    expires = offer_expiry(start, now=now, policy=policy)
    if expires is None:
        return []
    with transaction.atomic():
        try:
            _lock_and_check(service, therapist, start, now, policy)
        except BookingError:
            return []  # booked meanwhile, or no longer bookable online
        slot = WaitlistOffer.objects.for_slot(service, therapist, start)
        if slot.filter(status=WaitlistOffer.Status.CLAIMED).exists():
            return []
        room = policy.waitlist_offers_at_once - slot.open().count()
        if room <= 0:
            return []
        entries = _next_entries(service, therapist, start, room=room)
        return [
            _new_offer(entry, therapist=therapist, start=start, expires=expires, now=now)
            for entry in entries
        ]


def _fitting(slots, service: Service, start: datetime, end: datetime) -> Iterator:
    """Free slots starting in [start, end) (time free before stays out), earliest first,
    none overlapping the one before."""
    chosen = []
    for slot in sorted(slots, key=lambda slot: slot.start):
        blocked_until = slot.start + service.length + service.buffer
        if not start <= slot.start < end:
            continue
        if chosen and slot.start < chosen[-1]:
            continue
        chosen.append(blocked_until)
        yield slot


def _waiting_by_service(therapists: list[Therapist]) -> dict[int, list[WaitlistEntry]]:
    found: dict[int, list[WaitlistEntry]] = {}
    for entry in WaitlistEntry.objects.waiting().filter(
        service__in=Service.objects.filter(therapists__in=therapists)
    ):
        found.setdefault(entry.service_id, []).append(entry)
    return found


def offer_freed_time(
    *, therapist_id: int | None, start: datetime, end: datetime, now: datetime
) -> int:
    """Offer the free times in [start, end) of one therapist (None: everyone) to the
    waitlist entries they suit. Returns how many offers were made."""
    policy = BookingPolicy.load()
    start, end = max(start, now), min(end, now + policy.horizon)
    if start >= end:
        return 0
    therapists = therapists_with_hours(Therapist.objects.active()).prefetch_related("services")
    if therapist_id is not None:
        therapists = therapists.filter(pk=therapist_id)
    therapists = list(therapists)
    waiting = _waiting_by_service(therapists)
    made = 0
    for therapist in therapists:
        for service in therapist.services.all():
            entries = [
                e for e in waiting.get(service.pk, []) if e.therapist_id in {None, therapist.pk}
            ]
            if entries and service.active:
                made += _offer_window(therapist, service, entries, start, end, now, policy)
    return made


def _offer_window(therapist, service, entries, start, end, now, policy) -> int:
    """Offer each free time of `therapist` for `service` in [start, end) that an entry suits."""
    tz = clinic_tz()
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    slots = find_slots(
        service, therapist, first, last, now=now, policy=policy, offering=[therapist]
    )
    made = 0
    for slot in _fitting(slots, service, start, end):
        if any(entry.suits(slot.start) for entry in entries):
            offers = offer_slot(
                service=service, therapist=therapist, start=slot.start, now=now, policy=policy
            )
            made += len(offers)
    return made


def waitlist_offer_create(
    *, entry: WaitlistEntry, therapist: Therapist, start: datetime, now: datetime, by
) -> WaitlistOffer:
    """The front desk offers one free time to one entry (BookingError when it cannot)."""
    policy = BookingPolicy.load()
    if entry.status != WaitlistEntry.Status.WAITING:
        raise BookingError(_("This entry is no longer waiting."), "closed")
    expires = offer_expiry(start, now=now, policy=policy)
    if expires is None:
        raise BookingError(
            _("That session is too soon to offer: it starts inside the minimum notice."),
            "notice",
        )
    try:
        with transaction.atomic():
            _lock_and_check(entry.service, therapist, start, now, policy)
            return _new_offer(
                entry, therapist=therapist, start=start, expires=expires, now=now, by=by
            )
    except IntegrityError:
        raise BookingError(_("This time has already been offered to them."), "offered") from None


# --- Expiry and the sweep -------------------------------------------------------------------


def _expire_due(now: datetime) -> list[WaitlistOffer]:
    """Close the open offers whose time is up, each exactly once however many workers run:
    PostgreSQL skips rows another worker holds; the conditional update is the claim."""
    with transaction.atomic():
        due = list(
            WaitlistOffer.objects.select_for_update(skip_locked=True)
            .open()
            .filter(expires_at__lte=now)
            .values_list("pk", flat=True)[:BATCH]
        )
        mine = [
            pk
            for pk in due
            if WaitlistOffer.objects.filter(pk=pk, status=WaitlistOffer.Status.OPEN).update(
                status=WaitlistOffer.Status.EXPIRED, closed_at=now
            )
        ]
    return list(WaitlistOffer.objects.filter(pk__in=mine).select_related("service", "therapist"))


def _slots_to_refill(now: datetime) -> set[tuple[int, int, datetime]]:
    """Times whose offers closed unclaimed lately (expired, or withdrawn when someone left)."""
    closed = WaitlistOffer.objects.filter(
        status__in=[WaitlistOffer.Status.EXPIRED, WaitlistOffer.Status.WITHDRAWN],
        closed_at__gte=now - RECENT,
        start__gt=now,
    )
    return set(closed.values_list("service_id", "therapist_id", "start"))


def waitlist_sweep(*, now: datetime) -> int:
    """The periodic job: expire offers, offer their times to the next entries, and offer
    the times of recent cancellations a lost task missed. Returns the offers made."""
    _expire_due(now)
    made = 0
    services_by_id = Service.objects.in_bulk()
    therapists_by_id = Therapist.objects.in_bulk()
    for service_id, therapist_id, start in sorted(_slots_to_refill(now), key=lambda s: s[2]):
        made += len(
            offer_slot(
                service=services_by_id[service_id],
                therapist=therapists_by_id[therapist_id],
                start=start,
                now=now,
            )
        )
    cancelled = Booking.objects.filter(
        status=Booking.Status.CANCELLED, cancelled_at__gte=now - RECENT, start__gt=now
    ).values_list("therapist_id", "start", "blocked_until")
    for therapist_id, start, end in cancelled[:BATCH]:
        made += offer_freed_time(therapist_id=therapist_id, start=start, end=end, now=now)
    return made


# --- For the owner --------------------------------------------------------------------------


def refill_figures(*, now: datetime, days: int) -> dict:
    """Cancellations in the last `days` days, and how many times were refilled from the
    waitlist (claims made in that time, still booked), with the revenue they kept."""
    since = now - timedelta(days=days)
    cancelled = Booking.objects.filter(
        status=Booking.Status.CANCELLED, cancelled_at__gte=since
    ).count()
    refilled = (
        Booking.objects.active()
        .filter(waitlist_offers__status=WaitlistOffer.Status.CLAIMED)
        .filter(waitlist_offers__closed_at__gte=since)
        .distinct()
    )
    totals = Booking.objects.filter(pk__in=refilled.values("pk")).aggregate(
        count=Count("pk"), revenue=Sum("price")
    )
    return {
        "days": days,
        "cancelled": cancelled,
        "refilled": totals["count"] or 0,
        "revenue": totals["revenue"] or 0,
    }
