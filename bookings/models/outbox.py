"""The outbox of emails, and the periodic jobs' bookkeeping (bookings/outbox.py, jobs.py)."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bookings import Booking


class OutboxEmailQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting emails whose next try has come."""
        return self.filter(status=OutboxEmail.Status.WAITING, next_attempt_at__lte=now)

    def late(self, now, *, by=timedelta(minutes=5)):
        """Waiting emails that should have gone out `by` ago: the worker is behind or down."""
        return self.due(now - by)


class OutboxEmail(models.Model):
    """One email, written in the transaction of the change it reports; sent by a worker.

    The row holds the rendered message, so what it says is what was true when it was written,
    and sending needs nothing but this row (bookings/outbox.py).
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(_("calendar file"), blank=True)
    private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_("It carries a secret link: its text is not shown, and is erased once sent."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next try"), default=timezone.now)
    claimed_at = models.DateTimeField(_("last try"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(
        _("last error"),
        max_length=200,
        blank=True,
        help_text=_("What the mail server said the last time, without addresses."),
    )

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next_attempt")
        ]

    def __str__(self):
        return self.subject

    @property
    def message_id(self) -> str:
        """Stable per row, so a mail server or client can tell a repeat from a new email."""
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"<outbox-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{host}>"


class PeriodicJob(models.Model):
    """When a periodic job was last queued (bookings/jobs.py); the heartbeat job also notes
    when it last finished, which is how /healthz knows a worker is taking jobs."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    enqueued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name
