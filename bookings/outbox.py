"""The outbox: every email is a row written in the transaction of the change it reports.

A request never talks to a mail server. It writes an `OutboxEmail` row beside the booking
change, and once that transaction commits it queues a task that sends the row
(bookings/tasks.py). A rolled-back change leaves no row, so nothing is sent for it.

Sending is exactly once with any number of workers: a worker first claims the row with a
conditional update (waiting and due -> sending) that commits before the mail server is
contacted, so of two workers handed the same email only one sends it. A failed try is tried
again after OUTBOX_RETRY_DELAYS (1, 4, 10, 20 and 30 minutes by default: six tries over about
an hour); then the row is marked failed, and the front desk can send it again from the admin.
A periodic sweep queues what a lost task left waiting and takes back tries whose worker died.

Logs name the email by its id, kind and booking reference only: no names, addresses or notes.
"""

from __future__ import annotations

import functools
import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from clinic.compiled import CompiledQuery

from .models import Booking, OutboxEmail

logger = logging.getLogger(__name__)

# A try still "sending" after this never reported back: its worker stopped mid-send.
STALE = timedelta(minutes=15)
# Retries wait behind first tries, so an outage's backlog never holds up new confirmations.
RETRY_PRIORITY = -10
# Waiting emails due longer ago than this have lost their task; the sweep queues them again.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 500


def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    html: str = "",
    calendar: str = "",
    kind: str,
    booking: Booking | None = None,
    private: bool = False,
) -> OutboxEmail:
    """Write one email to the outbox; a worker sends it after the transaction commits.

    Call it inside the transaction of the change the email reports, so the email exists if and
    only if the change does. A `private` email (a sign-in link) keeps its text only until sent.
    """
    email = OutboxEmail.objects.create(
        to=to,
        subject=subject,
        body=body,
        html=html,
        calendar=calendar,
        kind=kind,
        booking=booking,
        private=private,
    )
    transaction.on_commit(functools.partial(_enqueue, email.pk), robust=True)
    return email


def _enqueue(email_id: int, *, run_after: datetime | None = None) -> None:
    from .tasks import send_email

    task = send_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the sweep queues it when it is due
        task = task.using(run_after=run_after, priority=RETRY_PRIORITY)
    try:
        task.enqueue(email_id)
    except Exception as error:  # the queue is unreachable: the sweep queues it later
        logger.warning(
            "Email %s not queued (%s); the outbox sweep will", email_id, type(error).__name__
        )


def _claim(email_id: int, now: datetime) -> OutboxEmail | None:
    # The conditional update is the claim: of two workers sending one email, one updates it.
    claimed = (
        OutboxEmail.objects.filter(pk=email_id)
        .due(now)
        .update(status=OutboxEmail.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        return None
    return OutboxEmail.objects.select_related("booking").get(pk=email_id)


def message_for(email: OutboxEmail) -> EmailMultiAlternatives:
    """The email as Django sends it, with a Message-ID that stays the same on every try."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        reply_to=[settings.CLINIC["email"]],
        headers={"Message-ID": email.message_id},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    if email.calendar:
        method = "CANCEL" if "METHOD:CANCEL" in email.calendar else "PUBLISH"
        message.attach("booking.ics", email.calendar, f"text/calendar; method={method}")
    return message


def email_send(*, email_id: int, now: datetime) -> str:
    """Send one outbox email if it is due and no other worker has it.

    Returns "sent", "retry" (another try is scheduled), "failed" (that was the last try) or
    "skipped" (not due, already sent, or being sent by another worker).
    """
    email = _claim(email_id, now)
    if email is None:
        return "skipped"
    try:
        message_for(email).send()
    except Exception as error:  # any failure of the mail path is a failed try, never a crash
        return _try_failed(email, error, now)
    sent = {"status": OutboxEmail.Status.SENT, "sent_at": timezone.now(), "last_error": ""}
    if email.private:
        sent.update(body="", html="")  # the link it carried is nobody's business now
    OutboxEmail.objects.filter(pk=email.pk).update(**sent)
    return "sent"


def _reason(error: Exception) -> str:
    # The class and the server's code only: refusals quote the addresses they refused.
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = next(iter(error.recipients.values()), (None,))[0]
    return f"{type(error).__name__}" + (f" {code}" if code else "")


def _describe(email: OutboxEmail) -> tuple:
    return email.pk, email.kind, email.booking.reference if email.booking else "-"


def _try_failed(email: OutboxEmail, error: Exception, now: datetime) -> str:
    delays = settings.OUTBOX_RETRY_DELAYS
    reason = _reason(error)
    if email.attempts > len(delays):
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxEmail.Status.FAILED, last_error=reason
        )
        logger.error(
            "Email %s (%s, booking %s) failed after %d tries: %s",
            *_describe(email),
            email.attempts,
            reason,
        )
        return "failed"
    next_try = now + timedelta(seconds=delays[email.attempts - 1])
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.WAITING, next_attempt_at=next_try, last_error=reason
    )
    logger.warning(
        "Email %s (%s, booking %s) not sent on try %d (%s); trying again at %s",
        *_describe(email),
        email.attempts,
        reason,
        next_try.isoformat(timespec="seconds"),
    )
    _enqueue(email.pk, run_after=next_try)
    return "retry"


def emails_send_again(*, emails: QuerySet[OutboxEmail], now: datetime) -> int:
    """Give failed emails a new round of tries (the admin's "send again"); returns how many."""
    with transaction.atomic():
        ids = list(emails.filter(status=OutboxEmail.Status.FAILED).values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=ids, status=OutboxEmail.Status.FAILED).update(
            status=OutboxEmail.Status.WAITING, attempts=0, next_attempt_at=now, last_error=""
        )
        for email_id in ids:
            transaction.on_commit(functools.partial(_enqueue, email_id), robust=True)
    return len(ids)


def outbox_sweep(*, now: datetime) -> int:
    """Queue waiting emails whose task was lost, and take back tries whose worker died.

    Returns how many emails were queued. Safe to run anywhere at any time: sending claims.
    """
    # A worker that stopped mid-send: try again. Only here may an email arrive twice (if the
    # server had accepted it just before), which beats never.
    OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING, claimed_at__lt=now - STALE
    ).update(status=OutboxEmail.Status.WAITING, next_attempt_at=now)
    ids = list(
        OutboxEmail.objects.due(now - SWEEP_GRACE)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for email_id in ids:
        _enqueue(email_id)
    return len(ids)


def outbox_health(*, now: datetime) -> dict:
    """For /healthz: emails overdue by five minutes or more, and emails that failed."""
    late = OutboxEmail.objects.late(now).count()
    failed = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count()
    return {"status": "late" if late else "ok", "late": late, "failed": failed}


# Asked by every view of a booking's own page: compiled once (clinic/compiled.py).
_newest_email_status = CompiledQuery(
    lambda booking_id, to: (
        OutboxEmail.objects.filter(booking_id=booking_id, to=to)
        .order_by("-created_at", "-pk")
        .values_list("status")[:1]
    ),
    int,
    str,
)


def client_email_status(booking: Booking) -> str | None:
    """The status of the newest email to the booking's client, or None if there is none."""
    if not booking.email:
        return None
    row = _newest_email_status.first(booking.pk, booking.email)
    return row[0] if row else None
