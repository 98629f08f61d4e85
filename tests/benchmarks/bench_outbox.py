"""make bench, emails: booking POST latency with and without sending in the request, and how
many emails a worker sends per second, against a local aiosmtpd server.

Run by scripts/bench.sh with DATABASE_URL pointing at a fresh, empty database:

    python -m tests.benchmarks.bench_outbox --label SQLite

"Before" is the old path, emails sent by the request after commit (the tasks framework's
immediate backend does exactly that); "after" is the outbox: the request writes rows and
queues them, and a worker sends them. Prints figures; never fails because of timing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import time
from datetime import datetime, timedelta
from datetime import time as clock_time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counter:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 Message accepted for delivery"


SMTP_PORT = free_port()
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "RATE_LIMIT_BOOKING": "1000000000",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT),
        "EMAIL_USE_TLS": "0",
    }
)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EVERY_DAY = {day: [("09:00", "17:00")] for day in range(7)}
THERAPISTS = 5
SLOTS = [clock_time(9), clock_time(10, 15), clock_time(11, 30), clock_time(12, 45)]


def setup_clinic():
    from django.core.management import call_command

    from bookings.models import BookingPolicy
    from tests.factories import make_service, make_therapist

    call_command("migrate", verbosity=0)
    BookingPolicy(horizon_days=365).save()
    service = make_service()
    for number in range(THERAPISTS):
        make_therapist(
            slug=f"t{number}",
            name=f"Therapist {number}",
            email=f"t{number}@clinic.example",
            services=[service],
            hours=EVERY_DAY,
        )


def starts():
    """Every start, each `THERAPISTS` times (the booking picks any free therapist)."""
    from django.utils import timezone

    from bookings.schedules import clinic_tz

    day = timezone.now().astimezone(clinic_tz()).date() + timedelta(days=2)
    while True:
        for slot in SLOTS:
            for _ in range(THERAPISTS):
                yield datetime.combine(day, slot, clinic_tz())
        day += timedelta(days=1)


def booking_latencies(client, times, count: int) -> list[float]:
    latencies = []
    for number in range(count):
        start = next(times)
        url = f"/book/sciatica-relief-60/confirm/?therapist=any&start={start.isoformat()}"
        form = {
            "name": f"Client {number}",
            "email": f"client{number}@example.com",
            "phone": "(406) 555-0147",
            "accept_policy": "on",
        }
        began = time.perf_counter()
        response = client.post(url, form, headers={"X-Forwarded-Proto": "https"})
        latencies.append((time.perf_counter() - began) * 1000)
        if response.status_code != 302:
            raise SystemExit(f"booking {number} answered {response.status_code}")
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def worker_throughput(count: int) -> float:
    from django.core.management import call_command

    from bookings import outbox

    for number in range(count):
        outbox.email_queue(
            to=f"reader{number}@example.com", subject="Hello", body="A body " * 100, kind="bench"
        )
    began = time.perf_counter()
    call_command("run_worker", batch=True, verbosity=0)
    return count / (time.perf_counter() - began)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--bookings", type=int, default=int(os.environ.get("BENCH_BOOKINGS", 60)))
    parser.add_argument("--emails", type=int, default=int(os.environ.get("BENCH_EMAILS", 300)))
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client, override_settings

    sink = Counter()
    smtp = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    smtp.start()
    try:
        setup_clinic()
        client, times = Client(), starts()
        before, after = [], []
        # Taken in turns, so a busy moment of the machine weighs on both alike.
        for turn in range(args.bookings + 3):
            with override_settings(TASKS=IMMEDIATE):
                latency = booking_latencies(client, times, 1)
                before += latency if turn >= 3 else []  # the first few warm up
            with override_settings(TASKS=DATABASE):
                latency = booking_latencies(client, times, 1)
                after += latency if turn >= 3 else []
        with override_settings(TASKS=DATABASE):
            call_command_worker_drain()
            rate = worker_throughput(args.emails)
    finally:
        smtp.stop()
    print(f"\n### Emails, {args.label} ({args.bookings} bookings, {args.emails} emails)\n")
    print("| booking POST, in-process | p50 ms | p99 ms | mean ms |")
    print("| --- | --- | --- | --- |")
    for name, values in [("sending in the request (before)", before), ("outbox (after)", after)]:
        print(
            f"| {name} | {percentile(values, 0.5):.1f} | {percentile(values, 0.99):.1f} "
            f"| {statistics.fmean(values):.1f} |"
        )
    print(f"\nOne worker sends {rate:.0f} emails per second to a local aiosmtpd server.")
    print(f"(The sink received {sink.received} emails in all.)")
    return 0


def call_command_worker_drain() -> None:
    """Send what the outbox bookings queued, so the throughput run starts on an empty queue."""
    from django.core.management import call_command

    call_command("run_worker", batch=True, verbosity=0)


if __name__ == "__main__":
    raise SystemExit(main())
