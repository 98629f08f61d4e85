"""The benchmark clinic: the demo clinic and articles, five therapists, 500 upcoming bookings.

Every booking has a room: one room per therapist here, so rooms hold as many sessions as the
team (the engine still loads and checks every room); `without_rooms()` turns rooms off to
measure the same clinic without them.

Deterministic for a given day: one seeded random generator, and bookings placed only in
times the availability engine calls free, as the booking flow would.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import ProtectedError

from bookings import availability
from bookings.demo import seed_clinic
from bookings.models import Booking, Client, Room, Service, Therapist, WorkingHours
from bookings.schedules import load_schedules, therapists_with_hours
from bookings.times import clinic_tz

BOOKINGS = 500
DAYS = 60
# Offered by every therapist, so "all five" means five.
SERVICE = "sciatica-relief-60"

EXTRA_THERAPISTS = [
    {
        "slug": "tomas-reyes",
        "name": "Tomas Reyes",
        "hours": {day: [("09:00", "12:00"), ("13:00", "17:00")] for day in range(5)},
    },
    {
        "slug": "priya-natarajan",
        "name": "Priya Natarajan",
        "hours": {
            **{day: [("12:00", "15:00"), ("15:30", "19:00")] for day in (1, 2, 3, 4)},
            5: [("09:00", "13:00")],
        },
    },
]


def _delete_all(model) -> None:
    """Delete every row of `model`, and first whatever protects them from deletion."""
    while True:
        try:
            model.objects.all().delete()
            return
        except ProtectedError as error:
            for row in error.protected_objects:
                _delete_row(row)


def _delete_row(row) -> None:
    try:
        row.delete()
    except ProtectedError as error:
        for other in error.protected_objects:
            _delete_row(other)
        row.delete()


@transaction.atomic
def seed_bench_clinic(*, now: datetime) -> dict:
    """Seed an empty database; returns the rows the benchmark requests."""
    if Booking.objects.exists() or Therapist.objects.exists():
        raise SystemExit("bench: the database is not empty; the benchmark needs a fresh one.")
    seed_clinic(now=now)
    # The demo's sample week is replaced by a busier, evenly spread diary (with what refers to
    # its bookings: reviews, health records).
    _delete_all(Booking)

    services = list(Service.objects.active())
    for spec in EXTRA_THERAPISTS:
        therapist = Therapist.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            email=f"{spec['slug']}@rimrockmassage.example",
            bio="Licensed massage therapist.\n\nWorks with sciatica and desk-work pain.",
            credentials="LMT, Montana",
            techniques="Deep tissue\nMyofascial release",
            order=10 + Therapist.objects.count(),
        )
        therapist.services.set(services)
        WorkingHours.objects.bulk_create(
            WorkingHours(
                therapist=therapist,
                weekday=weekday,
                start=time.fromisoformat(start),
                end=time.fromisoformat(end),
            )
            for weekday, intervals in spec["hours"].items()
            for start, end in intervals
        )
    service = Service.objects.get(slug=SERVICE)
    for therapist in Therapist.objects.active():
        therapist.services.add(service)
    for number, therapist in enumerate(Therapist.objects.active().order_by("pk")):
        room, _ = Room.objects.get_or_create(
            slug=f"bench-room-{number}", defaults={"name": f"Bench room {number}"}
        )
        therapist.preferred_rooms.set([room])

    count = _seed_bookings(now=now)
    return {
        "service": service,
        "therapists": list(Therapist.objects.offering(service).order_by("order", "pk")),
        "bookings": count,
    }


def _seed_bookings(*, now: datetime) -> int:
    rng = random.Random(2026)
    tz = clinic_tz()
    first = now.astimezone(tz).date() + timedelta(days=1)
    last = first + timedelta(days=DAYS - 1)
    clients = Client.objects.bulk_create(
        Client(name=f"Bench Client {n}", email=f"bench{n}@example.com", phone="(406) 555-0100")
        for n in range(150)
    )
    therapists = list(
        therapists_with_hours(Therapist.objects.active().prefetch_related("services"))
    )
    loaded = load_schedules(therapists, first, last, tz=tz)
    schedules = dict(zip((t.pk for t in therapists), loaded.schedules, strict=True))
    rules = availability.Rules(horizon=timedelta(days=DAYS + 2), notice=timedelta())
    bookings = []
    attempts = 0
    while len(bookings) < BOOKINGS:
        attempts += 1
        if attempts > BOOKINGS * 50:
            raise SystemExit("bench: could not place the bookings; the diary is too full.")
        therapist = rng.choice(therapists)
        service = rng.choice([s for s in therapist.services.all() if s.active])
        day = first + timedelta(days=rng.randrange(DAYS))
        starts = availability.free_starts(
            schedules[therapist.pk],
            duration=service.length,
            buffer=service.buffer,
            first=day,
            last=day,
            now=now,
            rules=rules,
            tz=tz,
        )
        if not starts:
            continue
        client = rng.choice(clients)
        booking = Booking(
            client=client,
            name=client.name,
            email=client.email,
            phone=client.phone,
            service=service,
            therapist=therapist,
            room=therapist.preferred_rooms.first(),
            notes="",
        )
        booking.set_times(rng.choice(starts))
        schedules[therapist.pk].booked.append((booking.start, booking.blocked_until))
        bookings.append(booking)
    Booking.objects.bulk_create(bookings, batch_size=250)
    return len(bookings)


def set_rooms_in_use(in_use: bool) -> None:
    """Rooms on (every room in use) or off (the clinic books no rooms), for comparing."""
    Room.objects.update(active=in_use)


# --- The scaling table: more therapists, and a long past -------------------------------------

# Mon-Sat, with a lunch break; the bookings' starts fit 75-minute blocks (the bench service's
# hour and its cleanup) inside them, so no two of a therapist's bookings ever overlap.
SCALING_HOURS = [("09:00", "12:00"), ("13:00", "17:00")]
SCALING_WEEKDAYS = range(6)
SCALING_STARTS = [time(9), time(10, 15), time(13), time(14, 15), time(15, 30)]
SCALING_DAYS = 90


def _bench_clients() -> list[Client]:
    clients = list(Client.objects.order_by("pk")[:150])
    return clients or Client.objects.bulk_create(
        Client(name=f"Bench Client {n}", email=f"bench{n}@example.com", phone="(406) 555-0100")
        for n in range(150)
    )


def _booking_at(client, service, therapist, room, start) -> Booking:
    booking = Booking(
        client=client,
        name=client.name,
        email=client.email,
        phone=client.phone,
        service=service,
        therapist=therapist,
        room=room,
        notes="",
    )
    booking.set_times(start)
    return booking


def seed_scaling_therapists(count: int, *, now: datetime) -> dict:
    """`count` more therapists offering the bench service, each with a room of their own, the
    week of SCALING_HOURS and 2-3 bookings per working day over the next SCALING_DAYS days.

    For the scaling table only: call it in a transaction that is rolled back, so the page
    benchmark's clinic stays as it was. Returns the therapists (in order) and their rooms.
    """
    rng = random.Random(1800 + count)
    service = Service.objects.get(slug=SERVICE)
    therapists = Therapist.objects.bulk_create(
        Therapist(
            slug=f"scaling-{n:02d}",
            name=f"Scaling Therapist {n:02d}",
            bio="Licensed massage therapist.",
            credentials="LMT, Montana",
            order=200 + n,
        )
        for n in range(count)
    )
    rooms = Room.objects.bulk_create(
        Room(slug=f"scaling-room-{n:02d}", name=f"Scaling room {n:02d}", order=200 + n)
        for n in range(count)
    )
    Therapist.services.through.objects.bulk_create(
        Therapist.services.through(therapist_id=t.pk, service_id=service.pk) for t in therapists
    )
    Therapist.preferred_rooms.through.objects.bulk_create(
        Therapist.preferred_rooms.through(therapist_id=t.pk, room_id=r.pk)
        for t, r in zip(therapists, rooms, strict=True)
    )
    WorkingHours.objects.bulk_create(
        WorkingHours(
            therapist=t, weekday=day, start=time.fromisoformat(a), end=time.fromisoformat(b)
        )
        for t in therapists
        for day in SCALING_WEEKDAYS
        for a, b in SCALING_HOURS
    )
    tz = clinic_tz()
    first = now.astimezone(tz).date() + timedelta(days=1)
    clients = _bench_clients()
    bookings = [
        _booking_at(rng.choice(clients), service, therapist, room, datetime.combine(day, at, tz))
        for therapist, room in zip(therapists, rooms, strict=True)
        for day in (first + timedelta(days=n) for n in range(SCALING_DAYS))
        if day.weekday() in SCALING_WEEKDAYS
        for at in sorted(rng.sample(SCALING_STARTS, rng.choice((2, 3))))
    ]
    Booking.objects.bulk_create(bookings, batch_size=500)
    return {"therapists": therapists, "rooms": rooms, "bookings": len(bookings)}


def seed_past_bookings(therapists, rooms, *, count: int, days: int, now: datetime) -> int:
    """`count` completed bookings of `therapists` (each in their room) over the `days` before
    today, spread evenly: for the scaling table's "long past" row."""
    service = Service.objects.get(slug=SERVICE)
    tz = clinic_tz()
    today = now.astimezone(tz).date()
    clients = _bench_clients()
    slots = [
        (therapist, room, datetime.combine(today - timedelta(days=n), at, tz))
        for n in range(1, days + 1)
        for therapist, room in zip(therapists, rooms, strict=True)
        for at in SCALING_STARTS
    ]
    if len(slots) < count:
        raise SystemExit(f"bench: {count} past bookings do not fit in {days} days.")
    step = len(slots) / count
    bookings = []
    for number in range(count):
        therapist, room, start = slots[int(number * step)]
        booking = _booking_at(clients[number % len(clients)], service, therapist, room, start)
        booking.status = Booking.Status.COMPLETED
        bookings.append(booking)
    Booking.objects.bulk_create(bookings, batch_size=500)
    return len(bookings)
