"""Loading the treatment rooms a service may use, as the availability engine's `Rooms`.

A constant number of queries, whatever the date range: the active rooms, the service's needs
(and, when it has any, which rooms meet them), the rooms' closures and the therapists'
preferred rooms; their bookings come with the therapists' (`schedules.load_schedules`). A
clinic with no active room books no rooms (`None`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef

from . import availability
from .models import Booking, Room, RoomClosure, Service, Therapist


def suitable_rooms(service: Service) -> list[Room] | None:
    """The active rooms that have every feature `service` needs, in the clinic's order; None
    when the clinic books no rooms at all. One query: a room is left out when one of the
    service's needs is missing from its features."""
    has_it = Room.features.through.objects.filter(
        room=OuterRef(OuterRef("pk")), roomfeature=OuterRef("roomfeature")
    )
    missing = Service.required_features.through.objects.filter(service=service).exclude(
        Exists(has_it)
    )
    rooms = list(
        Room.objects.active()
        .annotate(unsuitable=Exists(missing))
        .only("pk", "slug", "name", "order")
    )
    if not rooms:
        return None
    return [room for room in rooms if not room.unsuitable]


def room_schedules(
    rooms: list[Room],
    therapists: Sequence[Therapist],
    window: tuple[datetime, datetime],
    *,
    closures: list[tuple[datetime, datetime]],
    booked: list[tuple[int, datetime, datetime]],
    tz: ZoneInfo,
) -> availability.Rooms:
    """The engine's `Rooms` for `rooms` in `window`: busy with their own closures, the
    clinic's `closures` and the bookings in them (`booked`: room id, start, end with cleanup)."""
    by_id = {
        room.pk: availability.RoomSchedule(key=room.slug, off=list(closures)) for room in rooms
    }
    for room_id, start, end in (
        RoomClosure.objects.overlapping(*window)
        .filter(room__in=list(by_id))
        .values_list("room_id", "start", "end")
    ):
        by_id[room_id].off.append((start, end))
    load: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for room_id, start, blocked_until in booked:
        schedule = by_id[room_id]
        schedule.booked.append((start, blocked_until))
        load[schedule.key][start.astimezone(tz).date()] += 1
    return availability.Rooms(
        schedules=[by_id[room.pk] for room in rooms],
        preferred=_preferred(therapists, rooms),
        load=load,
    )


def _preferred(therapists: Sequence[Therapist], rooms: list[Room]) -> dict[str, list[str]]:
    """Each therapist's preferred rooms among `rooms`, in the clinic's order of rooms."""
    slugs = {t.pk: t.slug for t in therapists}
    order = {room.pk: index for index, room in enumerate(rooms)}
    preferred: dict[str, list[tuple[int, str]]] = defaultdict(list)
    through = Therapist.preferred_rooms.through.objects.filter(therapist__in=list(slugs))
    for therapist_id, room_id in through.values_list("therapist_id", "room_id"):
        if room_id in order:
            preferred[slugs[therapist_id]].append((order[room_id], rooms[order[room_id]].slug))
    return {key: [slug for _, slug in sorted(pairs)] for key, pairs in preferred.items()}


def free_rooms_for(booking: Booking) -> list[Room]:
    """The suitable rooms in which nothing else meets `booking`'s session and cleanup: where
    the front desk may move it. Its own room is among them."""
    rooms = suitable_rooms(booking.service) or []
    window = (booking.start, booking.blocked_until)
    taken = set(
        Booking.objects.active()
        .overlapping(*window)
        .exclude(pk=booking.pk)
        .filter(room__in=rooms)
        .values_list("room_id", flat=True)
    )
    closed = set(
        RoomClosure.objects.overlapping(*window)
        .filter(room__in=rooms)
        .values_list("room_id", flat=True)
    )
    return [room for room in rooms if room.pk not in taken | closed]
