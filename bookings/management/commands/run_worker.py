from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from bookings.jobs import Clock, periodic_jobs_prepare


class Command(BaseCommand):
    help = (
        "Run one background worker: it sends the outbox and runs the jobs queued in the "
        "database, and its clock queues the periodic jobs (reminders, outbox sweep, scheduled "
        "articles). Run as many as you like, on any number of machines (README)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clock-only",
            action="store_true",
            help="Only queue the periodic jobs, for workers of another task backend (RQ).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run every job waiting now, then stop (no clock).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks at an empty queue (default 1).",
        )

    def handle(self, *args, clock_only, batch, interval, verbosity, **options):
        periodic_jobs_prepare()
        clock = Clock(tick=settings.JOBS_TICK_SECONDS)
        if clock_only:
            clock.run()
            return
        if not batch:
            clock.start()  # a daemon thread: it stops with the worker
        call_command(
            "db_worker",
            queue_name="*",
            interval=interval,
            batch=batch,
            reload=False,
            startup_delay=False,
            verbosity=verbosity,
        )
