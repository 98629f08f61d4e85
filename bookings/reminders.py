"""Reminder emails before sessions, each sent exactly once with any number of workers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from . import notifications
from .models import Booking, BookingPolicy


def reminders_send(*, now: datetime, batch: int = 50) -> int:
    """Write each due reminder to the outbox exactly once; returns how many were written.

    A reminder is due when a confirmed session starts within the policy's reminder time and
    none was sent. Rows are claimed (reminded_at set) in the transaction that writes their
    emails, so two copies of this job on two servers never write one twice: on PostgreSQL each
    skips rows the other has locked (SKIP LOCKED); SQLite serialises the claiming transactions.
    """
    policy = BookingPolicy.load()
    sent = 0
    while True:
        with transaction.atomic():
            due = (
                Booking.objects.select_for_update(skip_locked=True)
                .filter(
                    status=Booking.Status.CONFIRMED,
                    reminded_at__isnull=True,
                    start__gt=now,
                    start__lte=now + timedelta(hours=policy.reminder_hours),
                )
                .order_by("start")
                .values_list("pk", flat=True)[:batch]
            )
            ids = list(due)
            if not ids:
                return sent
            # The conditional update is the claim: a row claimed elsewhere updates nothing.
            mine = [
                pk
                for pk in ids
                if Booking.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now)
            ]
            claimed = list(
                Booking.objects.filter(pk__in=mine).select_related("client", "service", "therapist")
            )
            for booking in claimed:
                notifications.booking_reminder(booking)
        sent += len(claimed)
