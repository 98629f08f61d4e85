"""What "My bookings" and privacy requests store: one-time sign-in links, erasure requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SignInLink(models.Model):
    """One emailed "My bookings" link. Only a hash of its secret is kept, so a copy of the
    database signs nobody in; the link works once, until `expires_at`."""

    email = models.EmailField(_("contact email"), db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("requested"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self):
        return f"{self.pk}"


class ErasureRequest(models.Model):
    """A client's request, from "My bookings", to erase the people under one contact email.

    The owner decides in the back office. Once erased, the request keeps who decided, when,
    and how many people and bookings it covered, but no longer the address."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the owner")
        ERASED = "erased", _("Erased")
        DECLINED = "declined", _("Declined")

    email = models.EmailField(_("contact email"), blank=True)
    requested_at = models.DateTimeField(_("requested"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    people_erased = models.PositiveIntegerField(_("people erased"), default=0)
    bookings_anonymised = models.PositiveIntegerField(_("bookings anonymised"), default=0)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status="pending"),
                name="erasure_one_pending_per_email",
            )
        ]

    def __str__(self):
        return str(_("Erasure request %(number)s") % {"number": self.pk})
