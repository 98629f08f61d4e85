"""Time that has just freed up (a cancellation, a move, new hours, time off or a closure gone).

The change points call `time_freed` inside their transaction; once it commits, a job offers
the time to the waitlist (bookings/waitlist.py). Only ids and times go into the queue.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime

from django.db import transaction

logger = logging.getLogger(__name__)


def time_freed(*, therapist_id: int | None, start: datetime, end: datetime) -> None:
    """After commit, offer [start, end) of one therapist (None: everyone) to the waitlist."""
    transaction.on_commit(
        functools.partial(_enqueue, therapist_id, start.isoformat(), end.isoformat()),
        robust=True,
    )


def _enqueue(therapist_id: int | None, start: str, end: str) -> None:
    from .tasks import offer_freed_time

    try:
        offer_freed_time.enqueue(therapist_id, start, end)
    except Exception as error:  # the queue is down: the periodic waitlist sweep catches up
        logger.warning("Waitlist offers not queued (%s); the sweep will", type(error).__name__)
