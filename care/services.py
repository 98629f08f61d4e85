"""Writes to the clinical record: drafts, submissions, reviews, reads, alerts, rotation.

Every function is keyword-only and takes `now`. Emails go out after commit and never carry
an answer: they name the booking, never the form's content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from bookings.models import Booking, BookingChange
from clinic.compiled import CompiledQuery, fields_of, instance

from . import emails, questions
from .crypto import Hidden
from .models import (
    CURRENT_FOR,
    ConsentText,
    Intake,
    IntakeAccess,
    IntakeReview,
    IntakeState,
    NoteAddendum,
    Outcome,
    ReviewAlert,
    SessionIntake,
    TreatmentNote,
)

# The treatment note's encrypted text fields (re-encrypted by keys_rotate).
NOTE_FIELDS = ["subjective", "objective", "response", "assessment", "plan"]

# The front desk is told about unreviewed forms this long before the session.
ALERT_BEFORE = timedelta(hours=24)

# Pain and function are scored 0 to 10.
SCORES = list(range(11))


def pain_open(booking: Booking, now) -> bool:
    """Pain before a session may be given until it starts."""
    return booking.status == Booking.Status.CONFIRMED and now < booking.start


@dataclass
class HealthForm:
    """A booking's health form as its client and the staff see it: states, no answers."""

    booking: Booking
    state: str
    outcome: str | None = None
    current: Intake | None = None  # the submission that counts for this session
    last: Intake | None = None  # the latest submission, even one over 12 months old
    draft: Intake | None = None  # being filled in

    @property
    def state_label(self) -> str:
        return str(IntakeState(self.state).label)

    @property
    def outcome_label(self) -> str:
        return str(IntakeReview.Outcome(self.outcome).label) if self.outcome else ""

    @property
    def out_of_date(self) -> bool:
        return self.current is None and self.last is not None

    @property
    def started(self) -> bool:
        """Whether a draft is being filled in."""
        return self.draft is not None


def health_form(booking: Booking) -> HealthForm:
    """The person's health form state for `booking`, as the staff see it (no answers).

    For the clinic's own eyes and for emails to the booking's contact; a page reached by the
    booking's link shows `client_health_form` instead.
    """
    row = (
        SessionIntake.objects.filter(pk=booking.pk)
        .with_intake_state()
        .values("intake_state", "current_intake_id", "review_outcome")
        .get()
    )
    submitted = list(
        Intake.objects.submitted()
        .filter(client_id=booking.client_id)
        .defer("answers", "flags")
        .order_by("-submitted_at", "-pk")
    )
    return HealthForm(
        booking=booking,
        state=row["intake_state"],
        outcome=row["review_outcome"],
        current=next((i for i in submitted if i.pk == row["current_intake_id"]), None),
        last=submitted[0] if submitted else None,
        draft=_draft(booking),
    )


def _draft(booking: Booking) -> Intake | None:
    return Intake.objects.drafts().filter(booking=booking).defer("answers", "flags").first()


def _seen_through(booking: Booking, *, proven: bool):
    """The person's forms a visitor with this booking's link may know of.

    Anyone may book under a name and email they know, and the booking's link is theirs at
    once; so, as for everything stored about a person, its page shows only forms filled in
    through this very booking, unless the visitor came with the link from the booking's
    emails (`proven`: they read that mailbox), which shows the person's forms.
    """
    forms = Intake.objects.submitted().filter(client_id=booking.client_id)
    return forms if proven else forms.filter(booking=booking)


# What the client's pages need of a booking's forms: `_seen_through`'s submissions and the
# booking's draft, newest first, in one query compiled once (clinic/compiled.py); never the
# answers, which the states do not need.
INTAKE_STATE_FIELDS = fields_of(Intake, exclude={"answers", "flags"})
_forms_seen = {
    # Every form filled in through the booking (a handful at most), sorted out in Python
    # (`_seen_on_page`): with the statuses as parameters SQLite took three times longer.
    False: CompiledQuery(
        lambda booking_id: (
            Intake.objects.filter(booking_id=booking_id)
            .order_by("-submitted_at", "-pk")
            .values_list(*INTAKE_STATE_FIELDS)
        ),
        int,
    ),
    True: CompiledQuery(
        lambda booking_id, client_id: (
            Intake.objects.filter(
                Q(status=Intake.Status.SUBMITTED, client_id=client_id)
                | Q(status=Intake.Status.DRAFT, booking_id=booking_id)
            )
            .order_by("-submitted_at", "-pk")
            .values_list(*INTAKE_STATE_FIELDS)
        ),
        int,
        int,
    ),
}


_STATUS, _CLIENT = INTAKE_STATE_FIELDS.index("status"), INTAKE_STATE_FIELDS.index("client_id")


def _seen_on_page(row: tuple, booking: Booking) -> bool:
    """A row of the booking's forms that its page shows: its draft, and what the booking's
    person submitted through it (as `_seen_through` with the draft)."""
    if row[_STATUS] == Intake.Status.DRAFT:
        return True
    return row[_STATUS] == Intake.Status.SUBMITTED and row[_CLIENT] == booking.client_id


def client_health_form(booking: Booking, *, proven: bool) -> HealthForm:
    """The health form as the client's pages show it (see `_seen_through`)."""
    if proven:
        rows = _forms_seen[True].rows(booking.pk, booking.client_id)
    else:
        rows = [row for row in _forms_seen[False].rows(booking.pk) if _seen_on_page(row, booking)]
    forms = [instance(Intake, INTAKE_STATE_FIELDS, row) for row in rows]
    submitted = [form for form in forms if form.status == Intake.Status.SUBMITTED]
    return client_form_state(
        booking,
        newest=submitted[0] if submitted else None,
        draft=next((form for form in forms if form.status == Intake.Status.DRAFT), None),
        review=lambda current: (
            current.reviews.order_by("-at", "-pk").values_list("outcome", flat=True).first()
        ),
    )


def client_form_state(booking: Booking, *, newest, draft, review) -> HealthForm:
    """The form's state from the newest submission the client may see (or None), the draft
    (or None) and `review(form)`, the latest review's outcome of a form, asked only of a
    current one: a submission counts for the session within 12 months before it."""
    current = (
        newest if newest is not None and newest.submitted_at > booking.start - CURRENT_FOR else None
    )
    outcome = review(current) if current is not None else None
    if current is None:
        state = IntakeState.MISSING
    elif not current.flagged:
        state = IntakeState.RECEIVED
    else:
        state = IntakeState.REVIEWED if outcome else IntakeState.NEEDS_REVIEW
    return HealthForm(
        booking=booking, state=state, outcome=outcome, current=current, last=newest, draft=draft
    )


def draft_answers(*, booking: Booking, proven: bool) -> dict:
    """What the steps show: each step as this booking's draft saved it, else as the last form
    the visitor may know of had it (consent apart: it is always given afresh).

    The prefill is worked out for each visit and never stored: the draft keeps only what was
    sent through it, so a visitor with the bare link never sees answers that were put in
    front of the mailbox's reader.
    """
    draft = Intake.objects.drafts().filter(booking=booking).first()
    saved = draft.answers if draft is not None else {}
    last = _seen_through(booking, proven=proven).order_by("-submitted_at", "-pk").first()
    earlier = last.answers if last is not None else {}
    answers = Hidden(
        (step, earlier[step])
        for step in questions.STEP_NAMES
        if step in earlier and step != "consent"
    )
    answers.update(saved)
    return answers


@sensitive_variables()
def intake_save_step(*, booking: Booking, step: str, data: dict, now: datetime) -> Intake:
    """Keep one step's answers, as typed, in the booking's draft of the person's form.

    The draft is created on the first save and holds only the steps saved through it (the
    prefill of an update is `draft_answers`'). One draft per booking: two tabs saving at
    once share it.
    """
    with transaction.atomic():
        # The booking's row is the lock: the second of two first saves finds the draft.
        Booking.objects.select_for_update().filter(pk=booking.pk).exists()
        draft = Intake.objects.drafts().filter(booking=booking).first()
        if draft is None:
            draft = Intake(client_id=booking.client_id, booking=booking, answers={})
        answers = Hidden(draft.answers)
        answers[step] = data
        draft.answers = answers
        draft.steps_saved = max(draft.steps_saved, questions.STEP_NAMES.index(step) + 1)
        draft.save()
    return draft


@sensitive_variables()
def intake_submit(
    *, draft: Intake, answers: dict, consent: ConsentText, booking: Booking, now: datetime
) -> Intake:
    """Turn the draft into a submission with every step's cleaned answers.

    Stores the consent version and form version it was given under. A red flag or a
    contraindication makes it flagged, which puts the person's bookings on "needs review"
    (they keep their slots); their upcoming sessions' therapists are emailed (no answers).
    Returns the submission; a draft submitted twice (two clicks) is submitted once.
    """
    flags = questions.flags_from(answers)
    with transaction.atomic():
        intake = Intake.objects.select_for_update().filter(pk=draft.pk).first()
        if intake is None or intake.status != Intake.Status.DRAFT:
            return intake or draft
        intake.answers = answers
        intake.flags = flags
        intake.flagged = bool(flags)
        intake.status = Intake.Status.SUBMITTED
        intake.submitted_at = now
        intake.consent = consent
        intake.form_version = questions.FORM_VERSION
        intake.booking = booking
        intake.save()
        if flags:  # in the outbox with the submission: sent once it has committed
            emails.review_needed(list(_upcoming(booking.client_id, now)), intake)
    return intake


def _upcoming(client_id: int, now: datetime):
    return (
        Booking.objects.filter(client_id=client_id, status=Booking.Status.CONFIRMED, start__gt=now)
        .select_related("client", "service", "therapist")
        .order_by("start")
    )


def intake_review(
    *,
    intake: Intake,
    outcome: str,
    note: str,
    by,
    booking: Booking | None,
    now: datetime,
) -> IntakeReview:
    """Record a therapist's (or the owner's) decision; the latest review counts.

    Cleared (with or without modifications): the client is told their form has been read.
    Not suitable: the client is emailed kindly, with no health details, and the front desk
    is asked to call them; the booking keeps its slot until they have spoken.
    """
    if not Intake.objects.visible_to(by).filter(pk=intake.pk).exists():
        raise PermissionDenied
    note = note.strip()
    with transaction.atomic():
        review = IntakeReview(
            intake=intake, booking=booking, outcome=outcome, note=note, by=by, at=now
        )
        review.full_clean(exclude=["note"])
        review.save()
        if booking is not None:
            # The outcome (never the note) joins the booking's history, with who decided.
            BookingChange.objects.create(
                booking=booking,
                user=by,
                at=now,
                action=_("Health form reviewed: %(outcome)s")
                % {"outcome": review.get_outcome_display()},
            )
        session = booking
        if session is None or session.status != Booking.Status.CONFIRMED or session.start <= now:
            session = _upcoming(intake.client_id, now).first()
        # In the outbox with the review: sent once it has committed.
        if session is not None and outcome == IntakeReview.Outcome.NOT_SUITABLE:
            emails.not_suitable(session)
        elif session is not None:
            emails.cleared(session)
    return review


def intake_read(*, intake: Intake, user, booking: Booking | None, now: datetime) -> None:
    """Record that `user` read the intake's answers (every read in the back office)."""
    IntakeAccess.objects.create(intake=intake, user=user, booking=booking, at=now)


def review_alerts_send(*, now: datetime) -> int:
    """Tell the front desk about each booking still unreviewed 24 hours before it; once each.

    Safe on several machines at once: a booking is claimed by inserting its ReviewAlert
    row (unique per booking), in one transaction with the alert's emails in the outbox; a
    claim that loses the race to another worker writes nothing. Returns how many bookings
    were alerted.
    """
    due = list(
        SessionIntake.objects.needing_review()
        .filter(
            status=Booking.Status.CONFIRMED,
            start__gt=now,
            start__lte=now + ALERT_BEFORE,
            care_review_alert__isnull=True,
        )
        .select_related("client", "service", "therapist")
        .order_by("start")
    )
    sent = 0
    for booking in due:
        try:
            with transaction.atomic():
                ReviewAlert.objects.create(booking_id=booking.pk, sent_at=now)
                emails.review_alert(booking)
        except IntegrityError:
            continue  # another worker claimed it: its transaction has the emails
        sent += 1
    return sent


def keys_rotate(*, batch: int = 200) -> int:
    """Re-encrypt every answer and note under the newest key; returns the rows rewritten.

    Rows are read with any configured key and written with the first, so old keys can be
    removed once this has run.
    """
    rewritten = 0
    encrypted = [
        (Intake, ["answers", "flags"]),
        (IntakeReview, ["note"]),
        (TreatmentNote, [*NOTE_FIELDS, "home_care", "techniques"]),
        (NoteAddendum, ["text"]),
        (Outcome, ["value"]),
    ]
    for model, fields in encrypted:
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update().filter(pk__in=ids[start : start + batch])
                )
                model.objects.bulk_update(rows, fields)
            rewritten += len(rows)
    return rewritten
