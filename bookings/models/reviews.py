"""Verified reviews: asked for by email after a completed session, left through that
session's private link, published by the owner."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from .bookings import Booking, Client
from .catalogue import Therapist
from .querysets import _visible
from .tokens import new_manage_token


class ReviewRequest(models.Model):
    """The email asking about one completed session; its token is the only way to review it."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="review_request", verbose_name=_("session")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="review_requests", verbose_name=_("client")
    )
    token = models.CharField(max_length=64, unique=True, default=new_manage_token, editable=False)
    sent_at = models.DateTimeField(_("asked"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        indexes = [models.Index(fields=["client", "sent_at"], name="reviewrequest_client_sent")]

    def __str__(self):
        return f"{self.booking}"


class ReviewOptOut(models.Model):
    """An address that asked for no more review requests."""

    email = models.EmailField(_("email"), unique=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("review opt-out")
        verbose_name_plural = _("review opt-outs")

    def __str__(self):
        return self.email


class ReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED)

    def summary(self) -> dict:
        """{"count": n, "average": 4.7 or None} over these reviews."""
        figures = self.aggregate(count=Count("pk"), average=Avg("rating"))
        average = figures["average"]
        return {"count": figures["count"], "average": round(average, 1) if average else None}

    def visible_to(self, user):
        """Every review for the owner and the front desk; a therapist sees their own."""
        return _visible(self, user, lambda therapist: self.filter(therapist=therapist))


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the owner")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    request = models.OneToOneField(
        ReviewRequest, on_delete=models.PROTECT, related_name="review", editable=False
    )
    # One review per session, whatever the code path: the database refuses a second.
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, related_name="review", editable=False
    )
    therapist = models.ForeignKey(
        Therapist, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("therapist")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000)
    display_name = models.CharField(
        _("shown as"), max_length=60, help_text=_("First name and initial, as on the website.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reply = models.TextField(
        _("reply from the clinic"),
        blank=True,
        max_length=1000,
        help_text=_("Optional. Shown under the review once it is published."),
    )
    created_at = models.DateTimeField(_("written"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.display_name}: {self.rating}/5"

    @property
    def stars(self) -> str:
        return "★" * self.rating + "☆" * (5 - self.rating)
