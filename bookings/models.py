import secrets
from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Service(models.Model):
    class Kind(models.TextChoices):
        SCIATICA = "sciatica", _("Sciatica relief")
        NECK_SHOULDER = "neck_shoulder", _("Neck & shoulder")
        OTHER = "other", _("Other treatments")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in links."))
    kind = models.CharField(
        _("treatment"),
        max_length=20,
        choices=Kind.choices,
        help_text=_("Lengths of one treatment are grouped together when clients book."),
    )
    summary = models.CharField(_("summary"), max_length=250)
    description = models.TextField(
        _("description"), help_text=_("Blank lines separate paragraphs.")
    )
    techniques = models.TextField(_("techniques"), blank=True, help_text=_("One per line."))
    who_it_helps = models.TextField(_("who it helps"), blank=True, help_text=_("One per line."))
    what_to_expect = models.TextField(_("what to expect"), blank=True)
    duration = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    price = models.DecimalField(_("price (USD)"), max_digits=7, decimal_places=2)
    buffer_after = models.PositiveSmallIntegerField(
        _("cleanup after (minutes)"),
        default=15,
        validators=[MaxValueValidator(120)],
        help_text=_("Time the therapist needs after the session before the next client."),
    )
    active = models.BooleanField(
        _("bookable"), default=True, help_text=_("Untick to hide from the site and booking.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "kind", "duration"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(condition=Q(duration__gt=0), name="service_duration_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} ({self.duration} min)"

    def get_absolute_url(self):
        return reverse("bookings:service_detail", args=[self.slug])

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.duration)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_after)

    @property
    def technique_list(self) -> list[str]:
        return _lines(self.techniques)

    @property
    def who_it_helps_list(self) -> list[str]:
        return _lines(self.who_it_helps)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.description.split("\n\n") if p.strip()]


class TherapistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def offering(self, service):
        return self.active().filter(services=service)


class Therapist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="therapist",
        help_text=_("The staff login this therapist uses for the admin."),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    email = models.EmailField(_("email"), blank=True, help_text=_("Booking notices go here."))
    bio = models.TextField(_("biography"), help_text=_("Blank lines separate paragraphs."))
    credentials = models.CharField(
        _("credentials"), max_length=200, help_text=_("Licence and certifications.")
    )
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    techniques = models.TextField(_("techniques"), blank=True, help_text=_("One per line."))
    services = models.ManyToManyField(
        Service, related_name="therapists", verbose_name=_("services offered"), blank=True
    )
    active = models.BooleanField(_("taking bookings"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    calendar_token = models.CharField(
        _("calendar feed key"), max_length=64, unique=True, default=new_manage_token, editable=False
    )

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("therapist")
        verbose_name_plural = _("therapists")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bookings:therapist_detail", args=[self.slug])

    @property
    def technique_list(self) -> list[str]:
        return _lines(self.techniques)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.bio.split("\n\n") if p.strip()]

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


class WorkingHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start = models.TimeField(_("from"), help_text=_("Clinic time, e.g. 09:00."))
    end = models.TimeField(_("until"), help_text=_("Add a second row for the hours after a break."))

    class Meta:
        ordering = ["therapist", "weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="hours_start_before_end"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValidationError(
                {"end": _("The end must be after the start.")}, code="end_before_start"
            )


class TimeOff(models.Model):
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="timeoff_start_before_end"
            )
        ]

    def __str__(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.therapist}: {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.start and self.end and self.start >= self.end:
            raise ValidationError(
                {"end": _("The end must be after the start.")}, code="end_before_start"
            )


class Closure(models.Model):
    """A clinic-wide closure (holiday, training day): nobody can be booked."""

    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, help_text=_("E.g. Thanksgiving."))

    class Meta:
        ordering = ["start"]
        verbose_name = _("clinic closure")
        verbose_name_plural = _("clinic closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="closure_start_before_end"
            )
        ]

    def __str__(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.reason}: {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.start and self.end and self.start >= self.end:
            raise ValidationError(
                {"end": _("The end must be after the start.")}, code="end_before_start"
            )


class BookingPolicy(models.Model):
    """The clinic's booking rules; a single row, edited by the owner."""

    slot_step = models.PositiveSmallIntegerField(
        _("slot step (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("Start times offered to clients are this many minutes apart."),
    )
    min_notice = models.PositiveSmallIntegerField(
        _("minimum notice (minutes)"),
        default=120,
        validators=[MaxValueValidator(60 * 24 * 14)],
        help_text=_("How soon from now a client may book online."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How far ahead clients may book online."),
    )
    cancellation_window = models.PositiveSmallIntegerField(
        _("cancellation window (hours)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_("Inside this many hours before a session, clients must phone to change it."),
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 7)],
        help_text=_("When the reminder email goes out before a session."),
    )

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policy")

    def __str__(self):
        return str(_("Booking policy"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "BookingPolicy":
        policy = cls.objects.filter(pk=1).first()
        return policy or cls(pk=1)

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.slot_step)

    @property
    def notice(self) -> timedelta:
        return timedelta(minutes=self.min_notice)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.cancellation_window)


class Client(models.Model):
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(
        _("email"), help_text=_("Stored in lower case; one client per address.")
    )
    phone = models.CharField(_("phone"), max_length=32)
    staff_notes = models.TextField(
        _("staff notes"),
        blank=True,
        help_text=_("Visible to the front desk and the client's therapists."),
    )
    created_at = models.DateTimeField(_("first booked"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="client_email_unique_any_case",
                violation_error_message=_("A client with this email already exists."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        # Before the uniqueness checks, so "Ruth@Example.com" meets "ruth@example.com".
        self.email = (self.email or "").strip().lower()


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Booking.Status.CANCELLED)

    def for_therapist(self, therapist):
        return self.filter(therapist=therapist)

    def overlapping(self, start, end):
        """Bookings whose blocked time (session plus cleanup) meets [start, end)."""
        return self.filter(start__lt=end, blocked_until__gt=start)

    def upcoming(self, now):
        return self.filter(start__gte=now)


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online")
        STAFF = "staff", _("Front desk")

    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference)
    token = models.CharField(
        _("manage token"), max_length=64, unique=True, default=new_manage_token
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="bookings")
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    blocked_until = models.DateTimeField(
        _("blocked until"), help_text=_("End of the session plus the service's cleanup time.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED, db_index=True
    )
    price = models.DecimalField(
        _("price (USD)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        editable=False,
        help_text=_("The service's price when booked; later price changes leave it alone."),
    )
    notes = models.TextField(_("notes for the therapist"), blank=True, max_length=1000)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ONLINE
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        permissions = [("export_booking", "Can export bookings")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="booking_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(end__lte=models.F("blocked_until")), name="booking_end_within_block"
            ),
        ]
        indexes = [models.Index(fields=["therapist", "start"], name="booking_therapist_start")]

    def __str__(self):
        return self.reference

    # Deliberately not get_absolute_url: the admin's "view on site" redirect would hand the
    # client's private link to any staff login.
    def manage_path(self) -> str:
        return reverse("bookings:manage", args=[self.token])

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def agreed_price(self):
        return self.price if self.price is not None else self.service.price

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def set_times(self, start):
        # In UTC: adding a duration to a local time is wall-clock arithmetic across DST.
        start = start.astimezone(UTC)
        self.start = start
        self.end = start + self.service.length
        self.blocked_until = self.end + self.service.buffer


class BookingChange(models.Model):
    """Who changed a booking, when, and what: the staff audit trail shown on the booking."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("what"), max_length=300)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("booking change")
        verbose_name_plural = _("booking changes")

    def __str__(self):
        return f"{self.booking}: {self.action}"
