"""Writes that touch bookings: create, reschedule, cancel, change status.

The guarantee: no two active bookings of one therapist overlap (session plus cleanup).
Every write runs in `transaction.atomic()`, locks the therapists it may book before it
checks the slot again with the availability engine, then saves. PostgreSQL backs this with
an exclusion constraint; SQLite serialises writing transactions (IMMEDIATE). Emails are
written to the outbox in the same transaction and sent by a worker after commit, never by
the request and never inside the lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import notifications
from .freed import time_freed
from .models import (
    Booking,
    BookingChange,
    BookingPolicy,
    Client,
    Room,
    Service,
    Therapist,
    new_manage_token,
    normal_email,
    normal_name,
)
from .refusals import BookingError, SlotUnavailable, change_refusal
from .rooms import free_rooms_for, suitable_rooms
from .schedules import bookable_therapists, check_slot
from .times import admin_time


def _lock_therapists(therapists: list[Therapist], service: Service) -> None:
    # Lock the therapists' rows, then the rooms the service may use (each in id order, and
    # always therapists before rooms, so two requests never deadlock) before the re-check: a
    # second booking for the same therapists or rooms waits here until we commit.
    ids = sorted(t.pk for t in therapists)
    list(Therapist.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    rooms = [room.pk for room in suitable_rooms(service) or []]
    list(Room.objects.select_for_update().filter(pk__in=rooms).order_by("pk").values_list("pk"))


def client_for(*, name: str, email: str, phone: str) -> Client:
    """The person who attends: the client with this name and email (in any case or spacing),
    or a new client under that email. Without an email (a caller), the same name and phone.

    A booking never rewrites anyone's record: anyone can type anyone's email online, and
    family members often share one. Each person under an email is a client of their own.
    """
    name, email = normal_name(name), normal_email(email)
    same = Client.objects.filter(erased_at__isnull=True, email=email, name__iexact=name)
    if not email:
        same = same.filter(phone=phone)
    client = same.order_by("pk").first()
    if client is not None:
        return client
    try:
        with transaction.atomic():
            return Client.objects.create(name=name, email=email, phone=phone)
    except IntegrityError:
        # The same new person booking twice at once: the other booking made the client.
        return same.get()


def booking_create(
    *,
    service: Service,
    therapist: Therapist | None,
    start: datetime,
    name: str,
    email: str,
    phone: str,
    notes: str = "",
    now: datetime,
    source: str = Booking.Source.ONLINE,
    override_hours: bool = False,
    by: AbstractBaseUser | None = None,
    form_key: str | None = None,
) -> Booking:
    """Book `service` at `start` with `therapist`, or with the least busy free one if None.

    Guarantees: the booking is saved only if the slot is free when checked under the lock
    (SlotUnavailable otherwise, nothing written); its emails are written to the outbox with it
    and sent after commit. A second call with the same `form_key` (the same form sent twice)
    books nothing and returns the booking of the first.
    """
    candidates = bookable_therapists(service, therapist)
    policy = BookingPolicy.load()
    with transaction.atomic():
        _lock_therapists(candidates, service)
        # Under the lock, so a double tap's second request sees the first one's booking.
        earlier = Booking.objects.filter(form_key=form_key).first() if form_key else None
        if earlier is not None:
            earlier.repeated = True  # nothing booked, nobody emailed again
            return earlier
        chosen, room = check_slot(
            candidates,
            service=service,
            start=start,
            now=now,
            policy=policy,
            override_hours=override_hours,
            staff=source == Booking.Source.STAFF,
        )
        booking = save_new(
            Booking(
                client=client_for(name=name, email=email, phone=phone),
                name=normal_name(name),
                email=normal_email(email),
                phone=phone,
                notes=notes,
                source=source,
                form_key=form_key,
            ),
            service=service,
            therapist=chosen,
            room=room,
            start=start,
            now=now,
            policy=policy,
            by=by,
        )
        notifications.booking_created(booking)  # outbox rows: kept or rolled back with it
    return booking


def save_new(booking: Booking, *, service, therapist, room, start, now, policy, by) -> Booking:
    """Save a new booking of `service` at `start` (checked under the lock), with its history."""
    booking.service, booking.therapist, booking.room = service, therapist, room
    booking.price = service.price
    booking.set_times(start)
    _skip_reminder_if_soon(booking, now, policy)
    _save_guarded(booking)
    _record(booking, by, _("Booked") if by else _("Booked online"), now)
    _note_other_phone(booking, now)
    return booking


def _note_other_phone(booking: Booking, now: datetime) -> None:
    # For staff: a returning client gave another phone; their record is left as it was.
    if booking.client.phone != booking.phone:
        action = _("Booked with phone %(phone)s (the client record has %(known)s).") % {
            "phone": booking.phone,
            "known": booking.client.phone or "–",
        }
        BookingChange.objects.create(
            booking=booking, actor=BookingChange.Actor.CLINIC, at=now, action=action
        )


def _skip_reminder_if_soon(booking: Booking, now: datetime, policy: BookingPolicy) -> None:
    # Booked (or moved) inside the reminder window: the email just sent is the reminder.
    if booking.start - now <= timedelta(hours=policy.reminder_hours):
        booking.reminded_at = now


def _save_guarded(booking: Booking) -> None:
    booking.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        # The PostgreSQL exclusion constraints: only reachable if the lock was bypassed.
        if "no_overlap" in str(error):
            raise SlotUnavailable(_("Sorry, that time has just been booked."), "booked") from error
        raise


def _record(booking: Booking, by, action: str, now: datetime) -> None:
    """A row of the booking's history: by a staff user, or (`by` None) the client online."""
    if by is not None and getattr(by, "is_authenticated", False):
        BookingChange.objects.create(booking=booking, user=by, at=now, action=action)
    else:
        BookingChange.objects.create(
            booking=booking, actor=BookingChange.Actor.CLIENT, at=now, action=action
        )


def can_client_change(booking: Booking, *, now: datetime, policy: BookingPolicy) -> str | None:
    """Why a client may not change this booking online, as a code; None when they may."""
    if booking.status == Booking.Status.CANCELLED:
        return "cancelled"
    if booking.status != Booking.Status.CONFIRMED or booking.start <= now:
        return "past"
    if booking.start - now < policy.window:
        return "window"
    return None


def _lock_booking(booking: Booking, *, now: datetime, policy: BookingPolicy, by) -> Booking:
    """The booking's row, locked until commit and read afresh; a client (`by` None) may change
    it only as the policy allows (BookingError otherwise)."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("service", "therapist", "client")
        .get(pk=booking.pk)
    )
    refused = can_client_change(booking, now=now, policy=policy) if by is None else None
    if refused:
        raise BookingError(change_refusal(refused, policy), refused)
    return booking


def booking_reschedule(
    *,
    booking: Booking,
    start: datetime,
    therapist: Therapist | None,
    now: datetime,
    by: AbstractBaseUser | None = None,
) -> Booking:
    """Move a confirmed booking to `start` (same service), keeping its link and reference.

    The old time stays booked until the new one is saved, in one transaction: a failure
    leaves the booking as it was. Clients may do this only outside the cancellation window.
    """
    policy = BookingPolicy.load()
    candidates = bookable_therapists(booking.service, therapist)
    with transaction.atomic():
        _lock_therapists([*candidates, booking.therapist], booking.service)
        # The booking's own row too: a cancel committing meanwhile must not be undone.
        booking = _lock_booking(booking, now=now, policy=policy, by=by)
        if by is not None and booking.status != Booking.Status.CONFIRMED:
            raise BookingError(_("Only confirmed bookings can be moved."), "not_confirmed")
        chosen, room = check_slot(
            candidates,
            service=booking.service,
            start=start,
            now=now,
            policy=policy,
            staff=by is not None,
            exclude=booking,
        )
        if start == booking.start and chosen == booking.therapist:
            raise BookingError(_("That is already your booked time."), "same_time")
        previous, previous_therapist = booking.start, booking.therapist
        booking.therapist, booking.room = chosen, room
        booking.set_times(start)
        booking.sequence += 1
        booking.reminded_at = None
        _skip_reminder_if_soon(booking, now, policy)
        _save_guarded(booking)
        _record(booking, by, _moved(previous, previous_therapist, booking), now)
        notifications.booking_rescheduled(booking, previous, previous_therapist)
        # The old time is free: offered to the waitlist after commit.
        time_freed(
            therapist_id=previous_therapist.pk,
            start=previous,
            end=previous + booking.service.length + booking.service.buffer,
        )
    return booking


def _moved(previous: datetime, previous_therapist: Therapist, booking: Booking) -> str:
    """'Moved from <time> to <time>', naming the therapists when they changed."""
    if previous_therapist == booking.therapist:
        return _("Moved from %(old)s to %(new)s") % {
            "old": admin_time(previous),
            "new": admin_time(booking.start),
        }
    return _("Moved from %(old)s with %(old_therapist)s to %(new)s with %(new_therapist)s") % {
        "old": admin_time(previous),
        "old_therapist": previous_therapist.name,
        "new": admin_time(booking.start),
        "new_therapist": booking.therapist.name,
    }


def booking_cancel(
    *,
    booking: Booking,
    now: datetime,
    reason: str = "",
    by: AbstractBaseUser | None = None,
) -> Booking:
    """Cancel a booking; its time is free again at once. Clients: outside the window only."""
    policy = BookingPolicy.load()
    with transaction.atomic():
        booking = _lock_booking(booking, now=now, policy=policy, by=by)
        if by is not None and booking.status == Booking.Status.CANCELLED:
            raise BookingError(_("This booking is already cancelled."), "cancelled")
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = reason[:300]
        booking.sequence += 1
        booking.save()
        _record(booking, by, _("Cancelled") + (f": {reason}" if reason else ""), now)
        notifications.booking_cancelled(booking, by_staff=by is not None)
        time_freed(
            therapist_id=booking.therapist_id, start=booking.start, end=booking.blocked_until
        )
    return booking


SIGNED_NOTE = gettext_lazy(
    "This session has a signed treatment note: it took place, so it stays completed."
)


def has_signed_note(booking: Booking) -> bool:
    """Whether the session's treatment note (care) is signed: it took place."""
    return Booking.objects.filter(pk=booking.pk, treatment_note__signed_at__isnull=False).exists()


def booking_set_status(
    *, booking: Booking, status: str, by: AbstractBaseUser, now: datetime
) -> bool:
    """Mark a session completed or no-show (staff). False when the booking is cancelled.

    A session with a signed treatment note took place: it stays completed (BookingError).
    """
    with transaction.atomic():
        if status != Booking.Status.COMPLETED and has_signed_note(booking):
            raise BookingError(
                _("%(reference)s: %(why)s") % {"reference": booking.reference, "why": SIGNED_NOTE},
                "signed_note",
            )
        updated = (
            Booking.objects.filter(pk=booking.pk)
            .exclude(status=Booking.Status.CANCELLED)
            .exclude(status=status)
            .update(status=status, updated_at=now)
        )
        if updated:
            booking.status = status
            _record(
                booking, by, _("Marked %(status)s") % {"status": booking.get_status_display()}, now
            )
    return bool(updated)


def booking_set_room(*, booking: Booking, room: Room, by, now: datetime) -> Booking:
    """Move a confirmed booking to another room at the same time (staff), recording it.

    Under the lock, like a booking: the room must be suitable and free for the session and
    its cleanup (SlotUnavailable otherwise, nothing changed).
    """
    with transaction.atomic():
        _lock_therapists([booking.therapist], booking.service)
        booking = _lock_booking(booking, now=now, policy=BookingPolicy.load(), by=by)
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError(_("Only confirmed bookings can change room."), "not_confirmed")
        if room.pk not in {free.pk for free in free_rooms_for(booking)}:
            raise SlotUnavailable(
                _("%(room)s is not free then (or lacks what the service needs).")
                % {"room": room.name},
                "room",
            )
        previous = booking.room
        booking.room = room
        _save_guarded(booking)
        action = _("Moved from %(old)s to %(new)s") % {
            "old": previous.name if previous else _("no room"),
            "new": room.name,
        }
        _record(booking, by, action, now)
    return booking


def booking_set_notes(*, booking: Booking, notes: str, by, now: datetime) -> None:
    """Change a booking's notes for the therapist (staff), recording who did it."""
    with transaction.atomic():
        previous = (
            Booking.objects.select_for_update()
            .filter(pk=booking.pk)
            .values_list("notes", flat=True)
        ).get()
        if previous == notes:
            return
        Booking.objects.filter(pk=booking.pk).update(notes=notes, updated_at=now)
        was = previous.replace("\n", " ")
        if len(was) > 200:
            was = was[:199] + "…"
        action = (
            _("Changed the notes (were: “%(was)s”)") % {"was": was} if was else _("Added notes")
        )
        BookingChange.objects.create(booking=booking, user=by, at=now, action=action)
    booking.notes = notes


def therapist_new_calendar_token(*, therapist: Therapist) -> None:
    """A new private feed address; the old one stops working at once."""
    therapist.calendar_token = new_manage_token()
    therapist.save(update_fields=["calendar_token"])


def booking_resend_confirmation(*, booking: Booking, now: datetime) -> None:
    """Email a booking's confirmation, with its calendar file, again to the booking's own
    address, as the client asked on My bookings; recorded in the booking's history.

    Only for an upcoming confirmed booking with an email (BookingError otherwise)."""
    if booking.status != Booking.Status.CONFIRMED or booking.start <= now:
        raise BookingError(_("Only upcoming bookings have a confirmation to resend."), "past")
    if not booking.emailable:
        raise BookingError(_("This booking has no email address to send to."), "no_email")
    with transaction.atomic():
        BookingChange.objects.create(
            booking=booking,
            actor=BookingChange.Actor.CLIENT,
            at=now,
            action=_("Confirmation resent (My bookings)"),
        )
        notifications.booking_confirmation_resent(booking)  # into the outbox with its record
