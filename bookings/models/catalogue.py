"""What the clinic offers and who offers it: services and therapists."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import ServiceQuerySet, TherapistQuerySet
from .tokens import new_manage_token


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


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
    required_features = models.ManyToManyField(
        "bookings.RoomFeature",
        related_name="+",
        blank=True,
        verbose_name=_("needs a room with"),
        help_text=_("Book it only in rooms that have all of these."),
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
    preferred_rooms = models.ManyToManyField(
        "bookings.Room",
        related_name="+",
        blank=True,
        verbose_name=_("preferred rooms"),
        help_text=_("Their sessions go to these rooms when free, before any other."),
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
