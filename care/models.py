"""The clinical record: health intake and consent, its review, and who read it.

An intake belongs to the person treated (`bookings.Client`), never to an email address.
Its answers are encrypted (care.crypto); only the `flagged` yes/no, the states and the review
outcome are plain columns, so the front desk can follow a booking without reading health data.
Who may read answers is defined once: `Intake.objects.visible_to(user)`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, ExpressionWrapper, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Client, Therapist
from bookings.models.querysets import BookingQuerySet

from .crypto import EncryptedJSONField, EncryptedTextField
from .questions import FORM_VERSION

# A returning client's form is current for this long before a session.
CURRENT_FOR = timedelta(days=365)


class ConsentText(models.Model):
    """The clinic's consent text. Each edit is a new version; accepted versions never change."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    text = models.TextField(
        _("consent text"),
        help_text=_(
            "What clients agree to before their first session. Blank lines separate "
            "paragraphs. Saving makes a new version; forms already signed keep theirs."
        ),
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-version"]
        get_latest_by = "version"
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")

    def __str__(self):
        return _("Consent text, version %(version)d") % {"version": self.version}

    def save(self, *args, **kwargs):
        if self.version is None:
            with transaction.atomic():
                latest = ConsentText.objects.select_for_update().order_by("-version").first()
                self.version = (latest.version if latest else 0) + 1
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> ConsentText | None:
        return cls.objects.order_by("-version").first()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


class IntakeState(models.TextChoices):
    MISSING = "missing", _("Missing")
    RECEIVED = "received", _("Received")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    REVIEWED = "reviewed", _("Reviewed")


def readable_clients(user):
    """The people whose clinical record `user` may read, as a subquery of client ids; None
    when that is everyone.

    The owner (superuser) reads every record; a therapist reads those of the people they
    have treated or will treat (a booking with them that is not cancelled). Anyone else,
    the front desk included, reads none: they see states and outcomes only.
    """
    nobody = Booking.objects.none().values("client_id")
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return nobody
    if user.is_superuser:
        return None
    therapist = Therapist.objects.filter(user=user).first()
    if therapist is None:
        return nobody
    return Booking.objects.active().filter(therapist=therapist).values("client_id")


def may_read(user, client_id: int) -> bool:
    treated = readable_clients(user)
    return treated is None or treated.filter(client_id=client_id).exists()


class ClinicalQuerySet(models.QuerySet):
    """Rows of the clinical record (forms, notes, outcomes): who may read them, defined once."""

    def visible_to(self, user):
        """The rows about the people whose record `user` may read (`readable_clients`)."""
        treated = readable_clients(user)
        return self if treated is None else self.filter(client__in=treated)


class IntakeQuerySet(ClinicalQuerySet):
    def drafts(self):
        return self.filter(status=Intake.Status.DRAFT)

    def submitted(self):
        return self.filter(status=Intake.Status.SUBMITTED)


class Intake(models.Model):
    """One health form of one person: a draft while they fill it in, then a submission."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being filled in")
        SUBMITTED = "submitted", _("Submitted")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="intakes", verbose_name=_("client")
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filled in for booking"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    answers = EncryptedJSONField(_("answers"), default=dict)
    flags = EncryptedJSONField(_("answers that need review"), default=list)
    flagged = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("A red flag or contraindication was answered: a therapist reviews it."),
    )
    steps_saved = models.PositiveSmallIntegerField(_("steps saved"), default=0)
    form_version = models.PositiveSmallIntegerField(_("form version"), default=FORM_VERSION)
    consent = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intakes",
        verbose_name=_("consent version"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("health form")
        verbose_name_plural = _("health forms")
        constraints = [
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(status="draft"),
                name="intake_one_draft_per_booking",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, consent__isnull=False),
                name="intake_submitted_with_consent",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="intake_client_status")]

    def __str__(self):
        if self.submitted_at is None:
            return _("Health form (being filled in)")
        return _("Health form of %(date)s") % {"date": f"{self.submitted_at:%Y-%m-%d}"}


class IntakeReview(models.Model):
    """A therapist's (or the owner's) decision on a form that needs review; the latest counts."""

    class Outcome(models.TextChoices):
        CLEARED = "cleared", _("Cleared")
        MODIFIED = "modified", _("Cleared with modifications")
        NOT_SUITABLE = "not_suitable", _("Not suitable")

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="reviews")
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    note = EncryptedTextField(_("note for the session"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("reviewed"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("review of a health form")
        verbose_name_plural = _("reviews of health forms")
        constraints = [
            # An empty note is stored as "" (not encrypted), so this holds in the database.
            models.CheckConstraint(
                condition=~Q(outcome="modified") | ~Q(note=""),
                name="review_modifications_have_note",
            )
        ]

    def __str__(self):
        return str(self.get_outcome_display())


class IntakeAccess(models.Model):
    """One read of a health form's answers, a treatment note or a person's pain and function
    scores (neither form nor note: `client` says whose) in the back office: who and when.
    The owner lists them."""

    intake = models.ForeignKey(
        Intake, on_delete=models.SET_NULL, null=True, related_name="accesses"
    )
    note = models.ForeignKey(
        "care.TreatmentNote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accesses",
        verbose_name=_("treatment note"),
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Whose scores were read; erasure empties it."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("health record read")
        verbose_name_plural = _("health record reads")

    def __str__(self):
        return f"{self.user} · {self.at:%Y-%m-%d %H:%M}"


class ReviewAlert(models.Model):
    """The front desk was told this booking's form is still unreviewed (once per booking)."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="care_review_alert"
    )
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("review alert")
        verbose_name_plural = _("review alerts")

    def __str__(self):
        return str(self.booking)


class SessionIntakeQuerySet(BookingQuerySet):
    def with_intake_state(self):
        """Bookings annotated with their person's health form state, in one query.

        `intake_state`: missing (no form submitted in the 12 months before the session),
        received, needs_review (flagged and not reviewed yet) or reviewed; with
        `current_intake_id` and the latest `review_outcome`.
        """
        since = ExpressionWrapper(
            OuterRef("start") - Value(CURRENT_FOR), output_field=models.DateTimeField()
        )
        current = (
            Intake.objects.submitted()
            .filter(client=OuterRef("client_id"), submitted_at__gt=since)
            .order_by("-submitted_at", "-pk")
        )
        latest_review = IntakeReview.objects.filter(intake=OuterRef("current_intake_id"))
        return self.annotate(
            current_intake_id=Subquery(current.values("pk")[:1]),
            current_intake_flagged=Subquery(current.values("flagged")[:1]),
        ).annotate(
            review_outcome=Subquery(latest_review.order_by("-at", "-pk").values("outcome")[:1]),
            intake_state=Case(
                When(current_intake_id__isnull=True, then=Value(IntakeState.MISSING)),
                When(current_intake_flagged=False, then=Value(IntakeState.RECEIVED)),
                When(review_outcome__isnull=True, then=Value(IntakeState.NEEDS_REVIEW)),
                default=Value(IntakeState.REVIEWED),
                output_field=models.CharField(),
            ),
        )

    def needing_review(self):
        return self.with_intake_state().filter(intake_state=IntakeState.NEEDS_REVIEW)


class SessionIntake(Booking):
    """A booking seen from the clinical record: its person's health form state."""

    objects = SessionIntakeQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("health form before a session")
        verbose_name_plural = _("health forms before sessions")


# --- Treatment notes, outcomes and aftercare ---------------------------------------------------


class TreatmentNoteQuerySet(ClinicalQuerySet):
    def signed(self):
        return self.filter(signed_at__isnull=False)

    def unsigned(self):
        return self.filter(signed_at__isnull=True)


class TreatmentNote(models.Model):
    """The SOAP note of one session. A draft until signed; signed, it never changes again:
    corrections and later findings are dated addenda by its author (NoteAddendum).

    Everything written is encrypted; the plain columns say only whose note it is, which
    session, its template, whether and when it was signed and whether aftercare went out.
    """

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="treatment_note", verbose_name=_("session")
    )
    # The person treated, as on the booking: what `visible_to` and erasure go by.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="treatment_notes", verbose_name=_("client")
    )
    template = models.CharField(_("template"), max_length=20, blank=True)
    subjective = EncryptedTextField(_("subjective"), blank=True)
    objective = EncryptedTextField(_("objective"), blank=True)
    techniques = EncryptedJSONField(_("techniques used"), default=list)
    response = EncryptedTextField(_("response to treatment"), blank=True)
    assessment = EncryptedTextField(_("assessment"), blank=True)
    plan = EncryptedTextField(_("plan"), blank=True)
    home_care = EncryptedTextField(_("home-care note for the client"), blank=True)
    articles = models.ManyToManyField(
        "articles.Article", blank=True, related_name="+", verbose_name=_("home-care articles")
    )
    next_visit_weeks = models.PositiveSmallIntegerField(
        _("suggested next visit (weeks)"), null=True, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("started"))
    updated_at = models.DateTimeField(_("last saved"))
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True, db_index=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_name = models.CharField(_("signed as"), max_length=200, blank=True)
    aftercare_sent_at = models.DateTimeField(_("aftercare emailed"), null=True, blank=True)

    objects = TreatmentNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-booking__start"]
        verbose_name = _("treatment note")
        verbose_name_plural = _("treatment notes")
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | ~Q(signed_name=""),
                name="note_signed_with_name",
            )
        ]

    def __str__(self):
        return _("Treatment note, %(ref)s") % {"ref": self.booking.reference}

    @property
    def locked(self) -> bool:
        return self.signed_at is not None

    @property
    def has_aftercare(self) -> bool:
        return bool(self.home_care or self.next_visit_weeks)


class NoteAddendum(models.Model):
    """A dated addition to a signed note by its author; the signed text stays as it was."""

    note = models.ForeignKey(TreatmentNote, on_delete=models.CASCADE, related_name="addenda")
    text = EncryptedTextField(_("addendum"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(_("by"), max_length=200)
    at = models.DateTimeField(_("added"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")

    def __str__(self):
        return f"{self.author_name} · {self.at:%Y-%m-%d %H:%M}"


class Outcome(models.Model):
    """One measured value, dated and tied to a session.

    Pain now (0-10): the client before the session, the therapist after it, the client the
    day after (aftercare). Function: the Patient-Specific Functional Scale, up to three
    activities the client names, each 0 (cannot do it) to 10 (as before the problem), at the
    first visit and every third one. The value is encrypted like the rest of the record.
    """

    class Measure(models.TextChoices):
        PAIN_BEFORE = "pain_before", _("Pain before the session (client)")
        PAIN_AFTER = "pain_after", _("Pain after the session (therapist)")
        PAIN_NEXT_DAY = "pain_next_day", _("Pain the day after (client)")
        FUNCTION = "function", _("Function (PSFS)")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("client")
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("session")
    )
    measure = models.CharField(_("measure"), max_length=14, choices=Measure.choices)
    value = EncryptedJSONField(_("value"))
    at = models.DateTimeField(_("recorded"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["booking__start", "measure"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["booking", "measure"], name="outcome_one_per_session")
        ]

    def __str__(self):
        return str(self.get_measure_display())

    @property
    def score(self) -> float | None:
        """Pain: the number; function: the mean of the activities' scores."""
        if self.measure != self.Measure.FUNCTION:
            return self.value.get("score")
        scores = [item["score"] for item in self.value.get("activities", [])]
        if not scores:
            return None
        mean = round(sum(scores) / len(scores), 1)
        return int(mean) if mean.is_integer() else mean


class AftercareOptOut(models.Model):
    """This person asked for no more aftercare emails (one click on the aftercare page)."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="aftercare_opt_out"
    )
    at = models.DateTimeField(_("unsubscribed"))

    class Meta:
        verbose_name = _("aftercare unsubscription")
        verbose_name_plural = _("aftercare unsubscriptions")

    def __str__(self):
        return str(self.client)


class UnsignedSession(Booking):
    """A completed session whose note is not signed 48 hours after it ended."""

    objects = BookingQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("unsigned treatment note")
        verbose_name_plural = _("unsigned treatment notes")
