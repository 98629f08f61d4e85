"""When therapists work and when nobody can be booked; the clinic's booking policy."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.compiled import CompiledQuery, fields_of, instance

from .catalogue import Therapist
from .querysets import PeriodQuerySet


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


class Period(models.Model):
    """A stretch of time nobody can book: a therapist's time off, or a clinic closure."""

    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="%(class)s_start_before_end"
            )
        ]

    def clean(self):
        if self.start and self.end and self.start >= self.end:
            raise ValidationError(
                {"end": _("The end must be after the start.")}, code="end_before_start"
            )

    def span(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


class TimeOff(Period):
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="time_off")

    class Meta(Period.Meta):
        verbose_name = _("time off")
        verbose_name_plural = _("time off")

    def __str__(self):
        return f"{self.therapist}: {self.span()}"


class Closure(Period):
    """A clinic-wide closure (holiday, training day): nobody can be booked."""

    reason = models.CharField(_("reason"), max_length=200, help_text=_("E.g. Thanksgiving."))

    class Meta(Period.Meta):
        verbose_name = _("clinic closure")
        verbose_name_plural = _("clinic closures")

    def __str__(self):
        return f"{self.reason}: {self.span()}"


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
    waitlist_offers_at_once = models.PositiveSmallIntegerField(
        _("waitlist: offers at once"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "When a time frees up, this many people on the waitlist are offered it at once, "
            "in the order they joined; the first to claim it gets it."
        ),
    )
    waitlist_offer_minutes = models.PositiveSmallIntegerField(
        _("waitlist: offer open for (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(60 * 24)],
        help_text=_(
            "How long an offer stays open before the next person is offered the time. "
            "Shorter when the session is near: every offer closes at the minimum notice."
        ),
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
        """The policy (its defaults until the owner saves it): read by most pages, so in a
        query compiled once (clinic/compiled.py)."""
        row = _the_policy.first()
        return instance(cls, _POLICY_FIELDS, row) if row else cls(pk=1)

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
    def offer_open(self) -> timedelta:
        return timedelta(minutes=self.waitlist_offer_minutes)

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.cancellation_window)


_POLICY_FIELDS = fields_of(BookingPolicy)
_the_policy = CompiledQuery(
    lambda: BookingPolicy.objects.filter(pk=1).values_list(*_POLICY_FIELDS)[:1]
)
