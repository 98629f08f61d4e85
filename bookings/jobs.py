"""Periodic jobs: a clock in every worker queues each job once per period.

settings.PERIODIC_JOBS names the jobs (a task and a period in seconds). Each worker's clock
looks every JOBS_TICK_SECONDS; a conditional update on the job's row is the claim, so however
many workers run on however many machines, each period's job is queued once.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicJob

logger = logging.getLogger(__name__)

# /healthz calls the worker late when no heartbeat job has finished for this long.
HEARTBEAT_LATE = timedelta(minutes=3)


def periodic_jobs_prepare() -> None:
    """One row per periodic job, so the clock's claims have something to update."""
    PeriodicJob.objects.bulk_create(
        [PeriodicJob(name=name) for name in settings.PERIODIC_JOBS], ignore_conflicts=True
    )


def periodic_jobs_enqueue(*, now: datetime) -> list[str]:
    """Queue every periodic job whose period has passed since it was last queued."""
    queued = []
    for name, (path, seconds) in settings.PERIODIC_JOBS.items():
        due = Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - timedelta(seconds=seconds))
        # The conditional update is the claim: one worker per period gets a row updated.
        if not PeriodicJob.objects.filter(due, name=name).update(enqueued_at=now):
            continue
        try:
            import_string(path).enqueue()
        except Exception as error:  # the queue is down: the next period tries again
            logger.warning("Periodic job %s not queued (%s)", name, type(error).__name__)
            continue
        queued.append(name)
    return queued


def job_finished(name: str, *, now: datetime) -> None:
    PeriodicJob.objects.filter(name=name).update(finished_at=now)


def worker_health(*, now: datetime) -> str:
    """For /healthz: "ok" while heartbeats finish, "late" when they stopped, or "never"."""
    beat = PeriodicJob.objects.filter(name="heartbeat").values_list("finished_at", flat=True)
    last = beat.first()
    if last is None:
        return "never"
    return "ok" if now - last < HEARTBEAT_LATE else "late"


class Clock(threading.Thread):
    """Queues due periodic jobs every `tick` seconds until stopped; never dies of an error."""

    def __init__(self, *, tick: float):
        super().__init__(name="periodic-jobs-clock", daemon=True)
        self.tick = tick
        self.stopped = threading.Event()
        self._failing = False

    def run(self) -> None:
        while True:
            self.tick_once()
            if self.stopped.wait(self.tick):
                return

    def tick_once(self) -> None:
        try:
            close_old_connections()
            periodic_jobs_enqueue(now=timezone.now())
            self._failing = False
        except DatabaseError as error:
            if not self._failing:  # once per outage
                logger.warning("Periodic jobs not queued (%s)", type(error).__name__)
            self._failing = True
        finally:
            connection.close()
