"""The waitlist: people waiting for a time that suits, and the offers made to them."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bookings import Booking
from .catalogue import Service, Therapist
from .querysets import _visible
from .tokens import new_manage_token

# Parts of the day by the session's local start: before noon, before 5 pm, from 5 pm.
PART_ENDS = {"morning": 12, "afternoon": 17, "evening": 24}


class PartOfDay(models.TextChoices):
    MORNING = "morning", _("Morning (before noon)")
    AFTERNOON = "afternoon", _("Afternoon (noon to 5 pm)")
    EVENING = "evening", _("Evening (from 5 pm)")


def part_of_day(hour: int) -> str:
    return next(part for part, end in PART_ENDS.items() if hour < end)


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=WaitlistEntry.Status.WAITING)

    def visible_to(self, user):
        """Every entry for the front desk and the owner; a therapist: theirs and "any"."""
        return _visible(
            self, user, lambda therapist: self.filter(Q(therapist=therapist) | Q(therapist=None))
        )


class WaitlistEntry(models.Model):
    """Someone waiting for a session: a service, a therapist or anyone, the days and parts of
    day that suit, between two dates. The order they joined in is the order of offers."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        BOOKED = "booked", _("Booked from the waitlist")
        LEFT = "left", _("Left the waitlist")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, verbose_name=_("service"))
    therapist = models.ForeignKey(
        Therapist,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("therapist"),
        help_text=_("Empty: any therapist who offers the service."),
    )
    weekdays = models.CharField(
        _("days"), max_length=7, help_text=_("Weekday numbers, Monday 0 to Sunday 6.")
    )
    parts = models.CharField(_("parts of day"), max_length=40)
    from_date = models.DateField(_("from"))
    until_date = models.DateField(_("until"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=32)
    token = models.CharField(max_length=64, unique=True, default=new_manage_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    closed_at = models.DateTimeField(_("left the list"), null=True, blank=True)
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("booking"),
    )

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        indexes = [models.Index(fields=["service", "status", "joined_at"], name="waitlist_order")]

    def __str__(self):
        return f"{self.name}: {self.service}"

    def get_absolute_url(self):
        return reverse("bookings:waitlist_entry", args=[self.token])

    @property
    def weekday_list(self) -> list[int]:
        return [int(day) for day in self.weekdays if day.isdigit()]

    @property
    def part_list(self) -> list[str]:
        return [part for part in self.parts.split(",") if part]

    def suits(self, start: datetime) -> bool:
        """Whether a session starting at `start` falls on a day and part of day that suit."""
        local = timezone.localtime(start)
        day = local.date()
        return (
            local.weekday() in self.weekday_list
            and part_of_day(local.hour) in self.part_list
            and self.from_date <= day
            and (self.until_date is None or day <= self.until_date)
        )

    def days_display(self) -> str:
        names = dict(WEEKDAY_SHORT)
        return ", ".join(str(names[day]) for day in self.weekday_list)

    def parts_display(self) -> str:
        labels = dict(PartOfDay.choices)
        return ", ".join(str(labels[part]) for part in self.part_list if part in labels)


WEEKDAY_SHORT = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class WaitlistOfferQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=WaitlistOffer.Status.OPEN)

    def for_slot(self, service, therapist, start):
        return self.filter(service=service, therapist=therapist, start=start)

    def visible_to(self, user):
        return _visible(
            self,
            user,
            lambda therapist: self.filter(therapist=therapist),
        )


class WaitlistOffer(models.Model):
    """A free time offered to one waitlist entry, open until `expires_at`; what came of it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed: booked")
        TAKEN = "taken", _("Taken by someone else")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn (the entry left or was booked)")

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="offers", verbose_name=_("entry")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, verbose_name=_("service"))
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, verbose_name=_("therapist"))
    start = models.DateTimeField(_("session start"))
    token = models.CharField(max_length=64, unique=True, default=new_manage_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    expires_at = models.DateTimeField(_("open until"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("offered by"),
        help_text=_("Empty: offered by the waitlist job."),
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_offers",
        verbose_name=_("booking"),
    )

    objects = WaitlistOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_at", "-pk"]
        verbose_name = _("waitlist offer")
        verbose_name_plural = _("waitlist offers")
        constraints = [
            # Never the same time twice to one entry, however many workers offer it.
            models.UniqueConstraint(
                fields=["entry", "service", "therapist", "start"], name="waitlist_offer_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="waitlist_offer_due")]

    def __str__(self):
        return f"{self.entry.name}: {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("bookings:waitlist_offer", args=[self.token])
