"""Scale-out: two app servers and two reminder jobs on one PostgreSQL database.

Real gunicorn processes (DEBUG off) and real `send_reminders` and `run_worker` processes, so
nothing is shared but the database: the guarantees must come from its locks and its
exclusion constraint. Run by scripts/scaleout.sh (SCALEOUT=1, a fresh PostgreSQL database).
"""

import os
import re
import subprocess
import sys
import threading
from collections import Counter
from datetime import datetime, time, timedelta
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from bookings.models import Booking, BookingPolicy, Client, Therapist
from bookings.times import clinic_tz
from tests.factories import make_service, make_therapist

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("SCALEOUT") != "1",
        reason="starts real servers: run with SCALEOUT=1 on PostgreSQL (scripts/scaleout.sh)",
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="scale-out needs PostgreSQL: several servers cannot share an SQLite file",
    ),
    pytest.mark.django_db(transaction=True),
]

EVERY_DAY = {day: [("09:00", "12:00"), ("13:00", "17:00")] for day in range(7)}
CLIENTS_PER_SLOT = 10
LOST_RACE = "just been booked"
ROOT = Path(__file__).resolve().parents[2]


class Visitor:
    """One person in one browser: their own cookies, always on the same app server."""

    def __init__(self, *, port: int, number: int, path: str, start: datetime):
        self.port = port
        self.path = path
        self.start = start
        self.name = f"Racer {number}"
        self.email = f"racer{number}@example.com"
        # Behind the load balancer each visitor has their own address (rate limits count it).
        self.address = f"10.1.{number // 250}.{number % 250 + 1}"
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.status = 0
        self.body = ""
        self.location = ""

    def request(self, method: str, body: bytes | None = None, content_type: str = ""):
        headers = {
            "X-Forwarded-Proto": "https",  # the TLS proxy in front
            "X-Forwarded-For": self.address,
            "Origin": f"https://127.0.0.1:{self.port}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, self.path, body=body, headers=headers)
            response = conn.getresponse()
            self.status = response.status
            self.body = response.read().decode()
            self.location = response.getheader("Location", "")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        finally:
            conn.close()

    def open_form(self):
        self.request("GET")
        assert self.status == 200, f"{self.name}: the confirm page answered {self.status}"
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.body).group(1)

    def book(self):
        form = {
            "csrfmiddlewaretoken": self.csrf,
            "name": self.name,
            "email": self.email,
            "phone": "(406) 555-0147",
            "notes": "Left leg, worse when sitting.",
            "accept_policy": "on",
            "website": "",
            "start": self.start.isoformat(),
        }
        self.request("POST", urlencode(form).encode(), "application/x-www-form-urlencoded")


def race(racers: list[Visitor]) -> list[str]:
    """Every racer presses "Book" at the same moment; the errors of those who could not."""
    errors = []
    barrier = threading.Barrier(len(racers))

    def press_book(visitor):
        try:
            barrier.wait(timeout=30)
            visitor.book()
        except Exception as error:  # reported by the caller's assertion
            errors.append(f"{visitor.name}: {error!r}")

    threads = [threading.Thread(target=press_book, args=(v,)) for v in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def assert_one_winner(racers: list[Visitor], therapist, start, *, slot: int) -> None:
    """One racer booked the slot; everyone else got the friendly answer, their form kept."""
    winners = [v for v in racers if v.status == 302]
    assert len(winners) == 1, f"slot {slot}: {Counter(v.status for v in racers)}"
    booked = Booking.objects.active().filter(therapist=therapist, start=start)
    assert booked.count() == 1
    booking = booked.select_related("client").get()
    assert winners[0].location == booking.manage_path()
    assert booking.client.email == winners[0].email
    for loser in racers:
        if loser is winners[0]:
            continue
        assert LOST_RACE in loser.body, f"{loser.name} got: {loser.body[:500]}"
        assert f'value="{loser.name}"' in loser.body


def test_racing_clients_on_two_servers_get_one_booking_per_slot(app_servers):
    BookingPolicy().save()
    service = make_service()
    maren = make_therapist(slug="maren", services=[service], hours=EVERY_DAY)
    luis = make_therapist(
        slug="luis",
        name="Luis Echeverria",
        email="luis@clinic.example",
        services=[service],
        hours=EVERY_DAY,
        order=1,
    )
    tz = clinic_tz()
    day = timezone.now().astimezone(tz).date() + timedelta(days=2)
    slots = [
        (maren, datetime.combine(day, time(10, 0), tzinfo=tz)),
        (luis, datetime.combine(day, time(10, 0), tzinfo=tz)),
        (maren, datetime.combine(day, time(14, 0), tzinfo=tz)),
    ]
    visitors = []
    for index, (therapist, start) in enumerate(slots):
        query = urlencode({"therapist": therapist.slug, "start": start.isoformat()})
        for n in range(CLIENTS_PER_SLOT):
            number = index * CLIENTS_PER_SLOT + n
            visitors.append(
                Visitor(
                    port=app_servers[number % len(app_servers)],
                    number=number,
                    path=f"/book/{service.slug}/confirm/?{query}",
                    start=start,
                )
            )
    # Everyone has the form open while every slot is still free ...
    for visitor in visitors:
        visitor.open_form()
    # ... then, slot by slot, its ten visitors press "Book" at the same moment.
    errors = []
    for index in range(len(slots)):
        errors += race(visitors[index * CLIENTS_PER_SLOT : (index + 1) * CLIENTS_PER_SLOT])
    assert not errors

    statuses = Counter(v.status for v in visitors)
    assert set(statuses) <= {302, 409}, f"unexpected answers: {statuses}"
    for index, (therapist, start) in enumerate(slots):
        racers = visitors[index * CLIENTS_PER_SLOT : (index + 1) * CLIENTS_PER_SLOT]
        assert_one_winner(racers, therapist, start, slot=index)
    assert Booking.objects.active().count() == len(slots)
    assert Client.objects.count() == len(slots)  # losers leave nothing behind
    # Both servers took part in the race and turned people away.
    assert {v.port for v in visitors if v.status == 409} == set(app_servers)


def test_two_reminder_jobs_at_once_send_each_reminder_exactly_once(process_env):
    BookingPolicy().save()  # reminders 24 hours ahead
    service = make_service(slug="neck-shoulder-30", duration=30, buffer_after=0)
    now = timezone.now().replace(second=0, microsecond=0)
    due = []
    for number in range(4):
        therapist = make_therapist(
            slug=f"therapist-{number}",
            email=f"therapist-{number}@clinic.example",
            services=[service],
            hours=EVERY_DAY,
        )
        # Every half hour from one hour ahead to 22.5 hours ahead: all due.
        for step in range(44):
            due.append(
                _booking(therapist, service, now + timedelta(hours=1, minutes=30 * step), len(due))
            )
    Booking.objects.bulk_create(due)
    later = _booking(therapist, service, now + timedelta(hours=30), 1000)
    cancelled = _booking(therapist, service, now + timedelta(hours=23, minutes=30), 1001)
    cancelled.status = Booking.Status.CANCELLED
    Booking.objects.bulk_create([later, cancelled])

    def run_all(*command: str) -> list[str]:
        processes = [
            subprocess.Popen(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=process_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr.decode()[-2000:]
            outputs.append(stdout.decode())
        return outputs

    run_all("send_reminders")  # two cron lines at once: the reminder job is queued twice
    outputs = run_all("run_worker", "--batch")  # two workers take the jobs and send the emails
    sent = [out.count("Subject: Reminder:") for out in outputs]
    recipients = Counter(
        address for out in outputs for address in re.findall(r"^To: (\S+)$", out, re.M)
    )
    print(f"two workers sent {sent[0]} + {sent[1]} of {len(due)} reminders")
    assert sum(sent) == len(due)
    assert recipients == Counter(booking.client.email for booking in due)  # each exactly once
    assert not Booking.objects.filter(pk__in=[b.pk for b in due], reminded_at__isnull=True)
    assert Booking.objects.filter(pk__in=[later.pk, cancelled.pk], reminded_at=None).count() == 2


def _booking(therapist: Therapist, service, start: datetime, number: int) -> Booking:
    client = Client.objects.create(
        name=f"Client {number}", email=f"client{number}@example.com", phone="(406) 555-0100"
    )
    booking = Booking(
        therapist=therapist,
        service=service,
        client=client,
        name=client.name,
        email=client.email,
        phone=client.phone,
    )
    booking.set_times(start)
    return booking
