"""Writes to treatment notes and outcomes: drafts, signing, addenda, reads, measured values.

Every function is keyword-only and takes `now`. A signed note never changes: every write
locks the note's session first and refuses (NoteLocked) once `signed_at` is set, so neither
a tampered form nor two tabs can alter signed text. Nothing here logs or emails note text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from bookings import services as booking_services
from bookings.models import Booking, Therapist

from .models import IntakeAccess, NoteAddendum, Outcome, TreatmentNote

# A completed session's note should be signed within this time; later it is listed.
SIGN_WITHIN = timedelta(hours=48)
# The function measure (PSFS) is taken at the first visit and every third one after it.
FUNCTION_EVERY = 3
# The note's own fields, with what an empty form leaves in each.
NOTE_FIELDS = {
    "subjective": "",
    "objective": "",
    "techniques": [],
    "response": "",
    "assessment": "",
    "plan": "",
    "home_care": "",
    "next_visit_weeks": None,
}


class NoteLocked(Exception):
    """The note is signed: only addenda by its author may follow."""


@dataclass
class NoteInput:
    """What the note form sends: the SOAP text, aftercare and the therapist's measures."""

    text: dict = field(default_factory=dict)  # NOTE_FIELDS
    articles: list = field(default_factory=list)
    pain_after: int | None = None
    activities: list[tuple[str, int]] = field(default_factory=list)


def why_no_note(booking: Booking, *, now: datetime) -> str:
    """Why this session takes no note ("" when it does): never for a session cancelled,
    missed or still to come."""
    if booking.status == Booking.Status.CANCELLED:
        return _("This session was cancelled, so it has no treatment note.")
    if booking.status == Booking.Status.NO_SHOW:
        return _("The client did not come to this session, so it has no treatment note.")
    if booking.start > now:
        return _("The note can be written once the session has begun.")
    return ""


def may_write(user, booking: Booking, *, now: datetime) -> bool:
    """The session's own therapist writes its note, the owner may too, once it has begun
    (`why_no_note`)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if why_no_note(booking, now=now):
        return False
    return user.is_superuser or booking.therapist.user_id == user.pk


def signer_name(user) -> str:
    therapist = Therapist.objects.filter(user=user).first()
    if therapist is not None:
        return therapist.name
    return user.get_full_name() or user.get_username()


def visit_number(booking: Booking) -> int:
    """Which visit of the person this session is (1 for the first), counting completed ones."""
    earlier = Booking.objects.filter(
        client_id=booking.client_id, status=Booking.Status.COMPLETED, start__lt=booking.start
    )
    return earlier.count() + 1


def asks_function(booking: Booking) -> bool:
    return (visit_number(booking) - 1) % FUNCTION_EVERY == 0


def last_activities(booking: Booking) -> list[str]:
    """The activities the person named last time, so the same ones are rated again."""
    latest = (
        Outcome.objects.filter(
            client_id=booking.client_id,
            measure=Outcome.Measure.FUNCTION,
            booking__start__lt=booking.start,
        )
        .order_by("-booking__start")
        .first()
    )
    if latest is None:
        return []
    return [item["name"] for item in latest.value.get("activities", [])]


def _locked_note(booking: Booking, by, now: datetime) -> TreatmentNote | None:
    # The session's row is the lock: two saves (two tabs, a sign racing a save) take turns.
    status = Booking.objects.select_for_update().filter(pk=booking.pk).values_list("status")
    booking.status = status.get()[0]  # as it is now, not as the page that sent this saw it
    if not may_write(by, booking, now=now):
        raise PermissionDenied
    note = TreatmentNote.objects.filter(booking=booking).first()
    if note is not None and note.locked:
        raise NoteLocked
    return note


@sensitive_variables()
def _write(booking: Booking, data: NoteInput, by, now: datetime) -> TreatmentNote:
    note = _locked_note(booking, by, now)
    if note is None:
        note = TreatmentNote(
            booking=booking,
            client_id=booking.client_id,
            template=booking.service.kind,
            author=by,
            created_at=now,
        )
    for name, empty in NOTE_FIELDS.items():
        setattr(note, name, data.text.get(name) or empty)
    note.updated_at = now
    note.save()
    note.articles.set(data.articles)
    _therapist_outcomes(booking, data, by, now)
    return note


def _therapist_outcomes(booking: Booking, data: NoteInput, by, now: datetime) -> None:
    if data.pain_after is not None:
        outcome_record(
            booking=booking,
            measure=Outcome.Measure.PAIN_AFTER,
            value={"score": data.pain_after},
            by=by,
            now=now,
        )
    if data.activities:
        activities = [{"name": name, "score": score} for name, score in data.activities]
        outcome_record(
            booking=booking,
            measure=Outcome.Measure.FUNCTION,
            value={"activities": activities},
            by=by,
            now=now,
        )


@sensitive_variables()
def note_save_draft(*, booking: Booking, data: NoteInput, by, now: datetime) -> TreatmentNote:
    """Keep the note as typed (a draft). NoteLocked once signed; PermissionDenied unless
    `by` is the session's therapist or the owner."""
    with transaction.atomic():
        return _write(booking, data, by, now)


@sensitive_variables()
def note_sign(*, booking: Booking, data: NoteInput, by, now: datetime) -> TreatmentNote:
    """Save what was sent and sign it, in one transaction: from then on it is read-only,
    with the signer's name and the time shown. A signed note says the session took place:
    one not yet marked is marked completed."""
    with transaction.atomic():
        note = _write(booking, data, by, now)
        note.signed_at = now
        note.signed_by = by
        note.signed_name = signer_name(by)
        note.save(update_fields=["signed_at", "signed_by", "signed_name"])
        if booking.status == Booking.Status.CONFIRMED:
            booking_services.booking_set_status(
                booking=booking, status=Booking.Status.COMPLETED, by=by, now=now
            )
    return note


@sensitive_variables()
def note_add_addendum(*, note: TreatmentNote, text: str, by, now: datetime) -> NoteAddendum:
    """A dated addition to a signed note, by the therapist who signed it."""
    text = text.strip()
    if not note.locked or note.signed_by_id != by.pk or not text:
        raise PermissionDenied
    return NoteAddendum.objects.create(
        note=note, text=text, author=by, author_name=signer_name(by), at=now
    )


def note_read(*, note: TreatmentNote, user, now: datetime) -> None:
    """Record that `user` read the note (every opening in the back office)."""
    IntakeAccess.objects.create(note=note, booking_id=note.booking_id, user=user, at=now)


def scores_read(*, client_id: int, user, now: datetime, booking_id: int | None = None) -> None:
    """Record that `user` saw a person's pain and function scores without a note (a progress
    page, or a session's page before its note is written)."""
    IntakeAccess.objects.create(client_id=client_id, booking_id=booking_id, user=user, at=now)


def outcome_record(*, booking: Booking, measure: str, value: dict, by, now: datetime) -> Outcome:
    """The session's value for `measure`, dated now; a second answer replaces the first."""
    outcome, _created = Outcome.objects.update_or_create(
        booking=booking,
        measure=measure,
        defaults={"client_id": booking.client_id, "value": value, "at": now, "by": by},
    )
    return outcome


def unsigned_sessions(*, now: datetime):
    """Completed sessions that ended over 48 hours ago without a signed note."""
    return Booking.objects.filter(
        status=Booking.Status.COMPLETED, end__lte=now - SIGN_WITHIN
    ).exclude(treatment_note__signed_at__isnull=False)
