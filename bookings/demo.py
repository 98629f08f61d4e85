"""The demo clinic in Billings: services, team, logins, schedules and a working week of bookings.

Idempotent: rows are found by slug, username or email and created only when missing, so a
second run changes nothing (and never overwrites what staff have edited since).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from clinic import demo_content

from . import availability
from .demo_calendar import seed_closures, seed_rooms
from .models import (
    FRONT_DESK_GROUP,
    THERAPIST_GROUP,
    Booking,
    BookingPolicy,
    Client,
    Closure,
    Review,
    ReviewRequest,
    Room,
    Service,
    Therapist,
    TimeOff,
    WorkingHours,
)
from .schedules import load_schedules, therapists_with_hours
from .times import clinic_tz

# Published demo logins, for local use only.
DEMO_PASSWORD = "massage-demo"  # noqa: S105  # nosec B105
OWNER = "owner"
FRONT_DESK = "frontdesk"
EDITOR = "editor"

# A therapist's rows are limited to their own in the admin (bookings/models/querysets.py):
# "change" on a client lets them keep staff notes; contact details stay read-only for them.
THERAPIST_PERMISSIONS = {
    "therapist": ["view", "change"],
    "workinghours": ["view", "add", "change", "delete"],
    "timeoff": ["view", "add", "change", "delete"],
    "closure": ["view"],
    "room": ["view"],
    "booking": ["view", "change", "export"],
    "client": ["view", "change"],
    "service": ["view"],
    "bookingchange": ["view"],
    "waitlistentry": ["view"],
    "waitlistoffer": ["view"],
    "headshot": ["view", "add", "change", "delete"],
    "review": ["view"],
}
FRONT_DESK_PERMISSIONS = {
    "therapist": ["view", "add", "change"],
    "workinghours": ["view", "add", "change", "delete"],
    "timeoff": ["view", "add", "change", "delete"],
    "closure": ["view", "add", "change", "delete"],
    "room": ["view"],
    "roomclosure": ["view"],
    "roomfeature": ["view"],
    "booking": ["view", "add", "change", "export"],
    "client": ["view", "add", "change"],
    "service": ["view", "add", "change"],
    "bookingpolicy": ["view", "change"],
    "bookingchange": ["view"],
    # "change" is only for sending failed emails again: every field is read-only.
    "outboxemail": ["view", "change"],
    # "change" on an entry is for offering it a free time; offers are a history.
    "waitlistentry": ["view", "change"],
    "waitlistoffer": ["view"],
    "headshot": ["view", "add", "change", "delete"],
    "clinicphoto": ["view"],
    "review": ["view"],
}


def ensure_groups() -> dict[str, Group]:
    """The staff roles with their permissions (the row limits live in the admin)."""
    groups = {}
    for name, spec in [
        (THERAPIST_GROUP, THERAPIST_PERMISSIONS),
        (FRONT_DESK_GROUP, FRONT_DESK_PERMISSIONS),
    ]:
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in spec.items() for action in actions]
        wanted = Permission.objects.filter(
            content_type__app_label="bookings", codename__in=codenames
        )
        group.permissions.add(*wanted)
        groups[name] = group
    return groups


def _user(username: str, *, email: str, first_name: str = "", last_name: str = "", **flags):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": email, "first_name": first_name, "last_name": last_name, **flags},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user, created


def seed_clinic(*, now: datetime) -> dict:
    """Create the demo clinic. Returns what was created, for the command to report."""
    created = {"services": 0, "therapists": 0, "bookings": 0, "users": []}
    with transaction.atomic():
        if not BookingPolicy.objects.exists():
            BookingPolicy().save()
        groups = ensure_groups()
        services = _seed_services(created)
        authors = {OWNER: _seed_office(created, groups)}
        authors.update(_seed_team(created, groups, services))
        if not Closure.objects.exists():
            seed_closures(now)
        if not Room.objects.exists():
            seed_rooms()
        if not Booking.objects.exists():
            created["bookings"] = _seed_bookings(now=now)
        if not Review.objects.exists():
            _seed_reviews(now=now)

        from articles.demo import seed_articles

        created["articles"] = seed_articles(authors=authors, services=services, now=now)
        from care.demo import seed_care  # health forms in every state

        created["intakes"] = seed_care(now=now)
        _login(
            created,
            EDITOR,
            Group.objects.get(name="Editor"),
            email="editor@rimrockmassage.example",
            first_name="Clinic",
            last_name="Editor",
        )
    return created


def _login(created: dict, username: str, group: Group | None, **fields):
    """A staff login (made once), in `group`; its name is reported when it is new."""
    user, was_created = _user(username, is_staff=True, **fields)
    if group is not None:
        user.groups.add(group)
    if was_created:
        created["users"].append(username)
    return user


def _seed_services(created: dict) -> dict[str, Service]:
    services = {}
    for spec in demo_content.SERVICES:
        service, was_created = Service.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "summary": spec["summary"],
                "description": spec["description"],
                "techniques": "\n".join(spec["techniques"]),
                "who_it_helps": "\n".join(spec["who_it_helps"]),
                "what_to_expect": spec["what_to_expect"],
                "duration": spec["duration"],
                "price": spec["price"],
                "buffer_after": spec["buffer"],
                "order": spec["order"],
            },
        )
        services[service.slug] = service
        created["services"] += was_created
    return services


def _seed_office(created: dict, groups: dict[str, Group]):
    """The owner (a superuser) and the front desk's login; returns the owner."""
    owner = _login(
        created,
        OWNER,
        None,
        email="owner@rimrockmassage.example",
        first_name="Clinic",
        last_name="Owner",
        is_superuser=True,
    )
    _login(
        created,
        FRONT_DESK,
        groups[FRONT_DESK_GROUP],
        email="frontdesk@rimrockmassage.example",
        first_name="Front",
        last_name="Desk",
    )
    return owner


def _seed_team(created: dict, groups: dict[str, Group], services: dict[str, Service]) -> dict:
    """The therapists, each with a login, services and weekly hours; returns their users."""
    users = {}
    for order, spec in enumerate(demo_content.THERAPISTS):
        first, _, last = spec["name"].partition(" ")
        user = _login(
            created,
            spec["username"],
            groups[THERAPIST_GROUP],
            email=spec["email"],
            first_name=first,
            last_name=last,
        )
        users[spec["username"]] = user
        therapist, was_created = Therapist.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "user": user,
                "name": spec["name"],
                "email": spec["email"],
                "bio": spec["bio"],
                "credentials": spec["credentials"],
                "years_experience": spec["years_experience"],
                "techniques": "\n".join(spec["techniques"]),
                "order": order,
            },
        )
        if was_created:
            created["therapists"] += 1
            therapist.services.set([services[slug] for slug in spec["services"]])
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
    return users


def _seed_bookings(*, now: datetime) -> int:
    """Past and upcoming sessions for every therapist, placed only in genuinely free times."""
    rng = random.Random(2026)  # noqa: S311  # nosec B311
    tz = clinic_tz()
    today = now.astimezone(tz).date()
    first, last = today - timedelta(days=21), today + timedelta(days=21)
    clients = [
        Client.objects.get_or_create(
            email=spec["email"], defaults={"name": spec["name"], "phone": spec["phone"]}
        )[0]
        for spec in demo_content.CLIENTS
    ]
    therapists = list(
        therapists_with_hours(Therapist.objects.active().prefetch_related("services"))
    )
    # Each therapist sees a few regulars, so client histories and row limits are realistic.
    regulars = {t.pk: rng.sample(clients, 5) for t in therapists}
    # A little time off, so the agenda shows it.
    for therapist in therapists[:1]:
        off_day = today + timedelta(days=9)
        TimeOff.objects.get_or_create(
            therapist=therapist,
            start=datetime.combine(off_day, time(12, 0), tzinfo=tz),
            end=datetime.combine(off_day, time(17, 0), tzinfo=tz),
            defaults={"reason": "Continuing education course"},
        )
    count = 0
    for therapist in therapists:
        day = first
        while day <= last:
            count += _seed_day(therapist, day, rng=rng, clients=regulars[therapist.pk], now=now)
            day += timedelta(days=1)
    return count


def _seed_day(therapist: Therapist, day: date, *, rng, clients: list[Client], now) -> int:
    """Up to three sessions for a therapist on a day, at free times on the half hour."""
    tz = clinic_tz()
    rules = availability.Rules(horizon=timedelta(days=400), notice=timedelta())
    offered = [s for s in therapist.services.all() if s.active]
    # The demo's services need no room features: one service's rooms are everyone's.
    loaded = load_schedules([therapist], day, day, tz=tz, service=offered[0])
    count = 0
    for _ in range(rng.choice([0, 1, 2, 2, 3])):
        service = rng.choice(offered)
        starts = availability.free_starts(
            loaded.schedules[0],
            duration=service.length,
            buffer=service.buffer,
            first=day,
            last=day,
            now=datetime.combine(day, time.min, tzinfo=tz) - timedelta(days=1),
            rules=rules,
            tz=tz,
        )
        starts = [s for s in starts if s.minute in (0, 30)]
        rooms = {s: _demo_room(loaded.rooms, therapist, s, service, day) for s in starts}
        starts = [s for s in starts if rooms[s] is not False]
        if not starts:
            break
        start = rng.choice(starts)
        client = rng.choice(clients)
        booking = Booking(
            client=client,
            name=client.name,
            email=client.email,
            phone=client.phone,
            service=service,
            therapist=therapist,
            room=rooms[start],
            notes=rng.choice([""] * 3 + demo_content.BOOKING_NOTES),
            source=rng.choice([Booking.Source.ONLINE] * 3 + [Booking.Source.STAFF]),
            price=service.price,
        )
        booking.set_times(start)
        if booking.end <= now:
            booking.status = rng.choice([Booking.Status.COMPLETED] * 8 + [Booking.Status.NO_SHOW])
            booking.reminded_at = booking.start - timedelta(hours=24)
        booking.save()
        loaded.schedules[0].booked.append((booking.start, booking.blocked_until))
        if booking.room is not None:
            room = next(r for r in loaded.rooms.schedules if r.key == booking.room.slug)
            room.booked.append((booking.start, booking.blocked_until))
            room._busy = None
        count += 1
    return count


def _seed_reviews(*, now: datetime) -> None:
    """Reviews of completed demo sessions, one per client: all published but the last."""
    from .reviews import display_name

    used: set[int] = set()
    for index, (slug, rating, comment, reply) in enumerate(demo_content.REVIEWS):
        booking = (
            Booking.objects.filter(
                therapist__slug=slug, status=Booking.Status.COMPLETED, review__isnull=True
            )
            .exclude(client_id__in=used)
            .order_by("-start")
            .first()
        )
        if booking is None:
            continue
        used.add(booking.client_id)
        written = min(booking.end + timedelta(days=3, hours=2), now)
        request = ReviewRequest.objects.create(
            booking=booking, client=booking.client, sent_at=written - timedelta(hours=2)
        )
        last = index == len(demo_content.REVIEWS) - 1
        Review.objects.create(
            request=request,
            booking=booking,
            therapist=booking.therapist,
            rating=rating,
            comment=comment,
            display_name=display_name(booking.name),
            status=Review.Status.PENDING if last else Review.Status.PUBLISHED,
            reply=reply,
            created_at=written,
            published_at=None if last else written + timedelta(hours=20),
            replied_at=written + timedelta(hours=20) if reply else None,
        )


def _demo_room(rooms, therapist: Therapist, start: datetime, service: Service, day: date):
    """The room a demo session there would take: a Room, None without rooms, False if full."""
    if rooms is None:
        return None
    slug = rooms.choose(therapist.slug, start, start + service.length + service.buffer, day)
    return Room.objects.get(slug=slug) if slug else False
