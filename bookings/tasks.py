"""Background jobs (Django's tasks framework): sending the outbox, reminders, upkeep.

Every task is idempotent and safe to run on several workers at once: sending claims its
email, reminders claim their bookings, and the rest only read or tidy. Arguments are ids,
never personal details, since the queue stores them.
"""

from datetime import datetime, timedelta

from django.apps import apps
from django.utils import timezone
from django_tasks import task

from . import jobs, outbox, reminders, reviews, waitlist

# Finished task results kept for looking into problems; older ones are deleted.
KEEP_TASK_RESULTS = timedelta(days=1)


@task()
def send_email(email_id: int) -> str:
    """Send one outbox email (bookings/outbox.py)."""
    return outbox.email_send(email_id=email_id, now=timezone.now())


@task()
def sweep_outbox() -> int:
    """Queue emails whose task was lost; take back tries whose worker died."""
    return outbox.outbox_sweep(now=timezone.now())


@task()
def send_due_reminders() -> int:
    """Write each due reminder to the outbox, once per booking."""
    return reminders.reminders_send(now=timezone.now())


@task()
def send_review_requests() -> int:
    """Ask clients about a completed session a few days on (bookings/reviews.py), once each."""
    return reviews.reviews_request_send(now=timezone.now())


@task()
def offer_freed_time(therapist_id: int | None, start: str, end: str) -> int:
    """Offer time that has just freed up to the waitlist (bookings/freed.py)."""
    return waitlist.offer_freed_time(
        therapist_id=therapist_id,
        start=datetime.fromisoformat(start),
        end=datetime.fromisoformat(end),
        now=timezone.now(),
    )


@task()
def sweep_waitlist() -> int:
    """Expire offers, offer their times to the next entries, catch up on missed times."""
    return waitlist.waitlist_sweep(now=timezone.now())


@task()
def heartbeat() -> None:
    """Note that a worker is taking jobs off the queue (shown by /healthz)."""
    jobs.job_finished("heartbeat", now=timezone.now())


@task()
def prune_task_results() -> int:
    """Delete finished task results older than a day (database backend only)."""
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    deleted, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=timezone.now() - KEEP_TASK_RESULTS)
        .delete()
    )
    return deleted
