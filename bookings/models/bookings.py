"""Clients, their bookings and each booking's history."""

from datetime import UTC

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .catalogue import Service, Therapist
from .querysets import BookingQuerySet, ClientQuerySet
from .tokens import new_manage_token, new_reference


def normal_name(name: str) -> str:
    """A name as stored: single spaces, no spaces around it."""
    return " ".join((name or "").split())


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


class Client(models.Model):
    """A person who attends. People who share one contact email (a family) are separate
    clients; a returning client is the same name and email, in any case and spacing."""

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_(
            "Stored in lower case. Family members may share one; each person is a client of "
            "their own. Empty for a caller without email: they get no emails."
        ),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    staff_notes = models.TextField(
        _("staff notes"),
        blank=True,
        help_text=_("Visible to the front desk and the client's therapists."),
    )
    created_at = models.DateTimeField(_("first booked"), auto_now_add=True)
    erased_at = models.DateTimeField(
        _("personal data erased"), null=True, blank=True, editable=False
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                Lower("name"),
                condition=Q(erased_at__isnull=True) & ~Q(email=""),
                name="client_person_unique_any_case",
                violation_error_message=_("A client with this name and email already exists."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name, self.email = normal_name(self.name), normal_email(self.email)
        super().save(*args, **kwargs)

    def clean(self):
        # Before the uniqueness checks, so "Ruth@Example.com" meets "ruth@example.com".
        self.name, self.email = normal_name(self.name), normal_email(self.email)


class Series(models.Model):
    """A care plan: one service with one therapist every few weeks, booked all at once.

    Each session is a booking of its own (movable and cancellable on its own); the series
    ties them together for one email, one calendar file and "cancel from this date on".
    """

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="series", verbose_name=_("client")
    )
    every_weeks = models.PositiveSmallIntegerField(_("every (weeks)"))
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1, every_weeks__lte=3), name="series_every_1_to_3"
            )
        ]

    def __str__(self):
        return str(_("Every %(weeks)d weeks") % {"weeks": self.every_weeks})


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
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("client")
    )
    # Who attends and how to reach them, as typed for this booking: pages and emails about it
    # show only these, never what is stored about the person under that email.
    name = models.CharField(_("attendee's name"), max_length=120, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="bookings")
    series = models.ForeignKey(
        Series,
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("care plan"),
    )
    room = models.ForeignKey(
        "bookings.Room",
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        verbose_name=_("room"),
        help_text=_("Chosen when booked; empty only while the clinic books no rooms."),
    )
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
    # The booking form's own key: a second POST of one form finds the booking of the first.
    form_key = models.CharField(max_length=64, null=True, unique=True, editable=False)

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
        indexes = [
            models.Index(fields=["therapist", "start"], name="booking_therapist_start"),
            models.Index(fields=["room", "start"], name="booking_room_start"),
        ]

    def __str__(self):
        return self.reference

    # Where a booking sits in the diary (bookings/free_times.py refreshes those days).
    PLACE_FIELDS = ("therapist_id", "room_id", "start", "blocked_until")

    @classmethod
    def from_db(cls, db, field_names, values):
        booking = super().from_db(db, field_names, values)
        booking.stored_place = booking.place()
        return booking

    def place(self) -> tuple:
        """Therapist, room and blocked time, as set on this instance (None where not loaded)."""
        return tuple(self.__dict__.get(name) for name in self.PLACE_FIELDS)

    # Deliberately not get_absolute_url: the admin's "view on site" redirect would hand the
    # client's private link to any staff login.
    def manage_path(self) -> str:
        return reverse("bookings:manage", args=[self.token])

    @property
    def emailable(self) -> bool:
        """Whether the client gave an email (a caller booked by phone may not have)."""
        return bool(self.email)

    @property
    def agreed_price(self):
        return self.price if self.price is not None else self.service.price

    @property
    def status_label(self) -> str:
        """As `get_status_display`, which rebuilds and hashes every choice on each call."""
        return str(self.Status(self.status).label)

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

    class Actor(models.TextChoices):
        STAFF = "staff", _("Staff")
        CLIENT = "client", _("Client online")
        CLINIC = "clinic", _("The system")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="changes")
    actor = models.CharField(_("by"), max_length=10, choices=Actor.choices, default=Actor.STAFF)
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
