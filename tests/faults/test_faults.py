"""Fault injection: Redis stopped mid-test, Redis full, SMTP silent or unreachable, DB blip.

Bookings are made in this process (the Django test client) against real failing services; the
emails are sent by two real worker processes. Run by scripts/faults.sh on PostgreSQL.
"""

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from http.client import HTTPConnection

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from bookings.models import Booking, BookingPolicy, OutboxEmail
from bookings.schedules import clinic_tz
from tests.factories import make_service, make_therapist

from .conftest import ROOT, free_port, wait_until

EVERY_DAY = {day: [("09:00", "12:00"), ("13:00", "17:00")] for day in range(7)}
PAGES = [
    "/",
    "/services/",
    "/therapists/?q=flood",
    "/book/",
    "/book/sciatica-relief-60/",
    "/api/availability?service=sciatica-relief-60&days=7",
    "/articles/",
    "/articles/feed/",
    "/sitemap.xml",
    "/admin/login/",
    "/healthz",
]
MAX_SECONDS = 1.0


@pytest.fixture
def clinic(settings):
    BookingPolicy().save()
    service = make_service()
    make_therapist(services=[service], hours=EVERY_DAY)
    make_therapist(
        slug="luis", name="Luis Echeverria", services=[service], hours=EVERY_DAY, email="l@x.org"
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    return service


SLOTS = [clock_time(9), clock_time(10, 15), clock_time(13), clock_time(14, 15), clock_time(15, 30)]


def starts(count: int) -> list[datetime]:
    """Maren's free starts from the day after tomorrow (60 minutes and 15 to clean up)."""
    first = timezone.now().astimezone(clinic_tz()).date() + timedelta(days=2)
    return [
        datetime.combine(
            first + timedelta(days=n // len(SLOTS)), SLOTS[n % len(SLOTS)], clinic_tz()
        )
        for n in range(count)
    ]


def book(client, start: datetime, number: int) -> float:
    """One booking POST as a visitor makes it; returns its seconds. It must succeed."""
    url = f"/book/sciatica-relief-60/confirm/?therapist=maren&start={start.isoformat()}"
    client.get(url, REMOTE_ADDR=f"10.9.0.{number + 1}")  # the visitor sees the form first
    form = {
        "name": f"Client {number}",
        "email": f"client{number}@example.com",
        "phone": "(406) 555-0147",
        "accept_policy": "on",
    }
    began = time.perf_counter()
    response = client.post(url, form, REMOTE_ADDR=f"10.9.0.{number + 1}")
    seconds = time.perf_counter() - began
    assert response.status_code == 302, response.content.decode()[:500]
    return seconds


def statuses(client) -> dict[str, int]:
    return {path: client.get(path).status_code for path in PAGES}


def redis_caches(pages_url: str, limits_url: str) -> dict:
    def alias(url, prefix, fail_soft):
        return {
            "BACKEND": "clinic.cache_backends.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            "FAIL_SOFT": fail_soft,
        }

    return {
        "default": alias(pages_url, "clinic", True),
        "ratelimit": alias(limits_url, "clinic-ratelimit", False),
    }


# --- Redis ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_redis_stopped_mid_test_costs_no_booking_and_no_page(
    client, clinic, settings, redis_factory, smtp
):
    redis = redis_factory()
    settings.CACHES = redis_caches(redis.url, redis.url)
    smtp.sink(port := free_port())
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    times = [book(client, start, n) for n, start in enumerate(starts(6)[:3])]
    before = statuses(client)
    redis.stop()
    times += [book(client, start, n + 3) for n, start in enumerate(starts(6)[3:])]
    during = statuses(client)
    health = json.loads(client.get("/healthz").content)
    wrong = {"username": "owner", "password": "wrong"}
    with time_machine.travel(timezone.now(), tick=False):  # one rate-limit window
        logins = [client.post("/admin/login/", wrong).status_code for _ in range(6)]
    redis.start()
    after = statuses(client)
    print(f"\nbookings with Redis up then stopped: {[round(t * 1000) for t in times]} ms")
    assert set(before.values()) == set(during.values()) == set(after.values()) == {200}
    assert max(times) < MAX_SECONDS
    assert health["cache"] == "down" and health["status"] == "degraded"
    assert logins == [200] * 5 + [429]  # per process while Redis is away
    assert Booking.objects.count() == 6


@pytest.mark.django_db
def test_a_full_redis_serves_pages_and_keeps_the_login_limit(
    client, clinic, settings, redis_factory
):
    pages = redis_factory("--maxmemory", "4mb", "--maxmemory-policy", "noeviction")
    limits = redis_factory("--maxmemory-policy", "noeviction")
    settings.CACHES = redis_caches(pages.url, limits.url)
    import redis as redis_client

    filler = redis_client.Redis(port=pages.port)
    with pytest.raises(redis_client.exceptions.ResponseError, match="maxmemory"):
        for n in range(100_000):  # flood it, as a page flood would, until it refuses writes
            filler.set(f"flood:{n}", "x" * 1024)
    wrong = {"username": "owner", "password": "wrong"}
    with time_machine.travel(timezone.now(), tick=False):  # one rate-limit window throughout
        logins = [client.post("/admin/login/", wrong).status_code for _ in range(3)]
        flooded = {
            f"/articles/?q=flood{n}": client.get(f"/articles/?q=flood{n}").status_code
            for n in range(200)
        }
        pages_now = statuses(client)
        logins += [client.post("/admin/login/", wrong).status_code for _ in range(3)]
    times = [book(client, start, n) for n, start in enumerate(starts(3))]
    assert set(flooded.values()) == set(pages_now.values()) == {200}
    assert logins == [200] * 5 + [429]  # counted in the limits' own Redis throughout
    assert max(times) < MAX_SECONDS


# --- SMTP and the workers ------------------------------------------------------------------------


def received_exactly_once(sink, *, expected: int):
    def done():
        counts = sink.counts()
        return len(counts) >= expected and counts

    counts = wait_until(done, seconds=90, what=f"{expected} emails at the sink", step=0.25)
    assert len(counts) == expected and set(counts.values()) == {1}, counts


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="workers in other processes need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", ["black hole", "unreachable"])
def test_mail_that_hangs_or_is_unreachable_delays_no_booking_and_every_email_goes_once(
    client, clinic, settings, smtp, workers, fault
):
    port = free_port()
    hole = smtp.black_hole(port) if fault == "black hole" else None
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1
    workers(smtp_port=port, count=2)
    times = [book(client, start, n) for n, start in enumerate(starts(6))]
    pages = statuses(client)
    emails = OutboxEmail.objects.count()
    assert emails == 12  # client and therapist, for each booking
    # Every email has been tried and has failed at least once...
    wait_until(
        lambda: not OutboxEmail.objects.filter(attempts=0).exists(),
        seconds=60,
        what="a first try of every email",
    )
    assert not OutboxEmail.objects.filter(status="sent").exists()
    # ...then the mail server answers again, on the same address.
    if hole is not None:
        smtp.stop(hole)
    sink = smtp.sink(port)
    received_exactly_once(sink, expected=emails)
    print(f"\nbookings with SMTP {fault}: {[round(t * 1000) for t in times]} ms")
    assert max(times) < MAX_SECONDS
    assert set(pages.values()) == {200}
    wait_until(
        lambda: OutboxEmail.objects.filter(status="sent").count() == emails,
        seconds=10,
        what="every email marked sent",
    )
    assert sorted(m["To"] for m in sink.messages).count("maren@clinic.example") == 6


# --- A database blip -----------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server to interrupt")
@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_costs_no_request(clinic, tmp_path):
    from .conftest import worker_env

    port = free_port()
    env = {**worker_env(smtp_port=free_port()), "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    env["DATABASE_CONN_MAX_AGE"] = "600"
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    command = [sys.executable, "-m", "gunicorn", "clinic.wsgi", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def get(path: str) -> int:
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            return conn.getresponse().status
        except OSError:
            return 0
        finally:
            conn.close()

    try:
        wait_until(lambda: get("/healthz") == 200, seconds=30, what="gunicorn")
        warm = [get("/services/sciatica-relief-60/") for _ in range(8)]  # both workers connect
        with connection.cursor() as cursor:  # the blip: the server drops every other session
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            dropped = cursor.fetchone()[0]
        after = [get("/book/sciatica-relief-60/") for _ in range(8)]
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
    assert dropped >= 1
    assert set(warm) == {200} and set(after) == {200}, (warm, after)
