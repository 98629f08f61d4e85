"""The clinic's setup held in process memory: the booking policy, the active services, the
active therapists with their hours and the services they offer, the treatment rooms.

Free-time pages read these on every request, and they change only when staff edit them. One
copy per process serves every request until the setup version (in the shared cache, bumped
by any save of those rows; see `free_times.connect_signals`) moves on, or `MAX_AGE_SECONDS`
pass: a process whose cache is its own memory (no Redis) cannot hear another's bump, and a
cache that is down answers no version at all, so then every request reads the database.

Read-only: pages show these objects and the engine reads them; nothing saves them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from time import monotonic

from django.db.models import Prefetch
from django.utils import timezone

from clinic.cache import versions

from .models import BookingPolicy, Closure, Room, Service, Therapist, WorkingHours

SETUP_VERSION = "free-setup"
MAX_AGE_SECONDS = 60.0


@dataclass
class ClinicSetup:
    version: int | None
    policy: BookingPolicy
    services: dict[str, Service]  # active services by slug
    therapists: list[Therapist]  # active, in the clinic's order, hours and headshots loaded
    offers: dict[int, set[int]]  # therapist pk -> the services they offer
    rooms: list[Room]  # active rooms, in the clinic's order
    room_features: dict[int, set[int]]
    needs: dict[int, set[int]]  # service pk -> features it requires
    preferred: dict[int, list[int]]  # therapist pk -> preferred rooms' pks
    closures: list[tuple[datetime, datetime]]  # the clinic's, from yesterday on, in order
    weekly: dict[int, dict] = field(default_factory=dict)  # therapist pk -> the engine's week
    built: float = field(default_factory=monotonic)

    @property
    def edition(self) -> tuple[int | None, float]:
        """Different for each reading of the setup: markup made from it (a therapist's face,
        `{% once %}`) is kept under it."""
        return (self.version, self.built)

    def week_of(self, therapist: Therapist) -> dict:
        """The therapist's weekly hours as the engine's week (their rows when not held)."""
        return self.weekly.get(therapist.pk) or weekly_hours(therapist.hours.all())

    def service(self, slug: str) -> Service | None:
        return self.services.get(slug)

    def offering(self, service: Service) -> list[Therapist]:
        """Who offers `service`, in the clinic's order (as `Therapist.objects.offering`)."""
        return [t for t in self.therapists if service.pk in self.offers.get(t.pk, ())]

    def therapist(self, slug: str) -> Therapist | None:
        return next((t for t in self.therapists if t.slug == slug), None)

    def closures_between(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The clinic's closures that meet [start, end)."""
        return [(a, b) for a, b in self.closures if a < end and b > start]

    def suitable_rooms(self, service: Service) -> list[Room] | None:
        """As `rooms.suitable_rooms`: None when the clinic books no rooms."""
        if not self.rooms:
            return None
        needs = self.needs.get(service.pk, set())
        return [room for room in self.rooms if needs <= self.room_features.get(room.pk, set())]


_current: ClinicSetup | None = None


def current() -> ClinicSetup:
    """The setup, from memory while its version holds, else read afresh."""
    global _current
    version = versions([SETUP_VERSION])[SETUP_VERSION]
    kept = _current
    if (
        kept is not None
        and version is not None
        and kept.version == version
        and monotonic() - kept.built < MAX_AGE_SECONDS
    ):
        return kept
    _current = load(version)
    return _current


def forget() -> None:
    """Drop the copy in memory (tests, and after the database changes under us)."""
    global _current
    _current = None


def load(version: int | None = None) -> ClinicSetup:
    """Read the setup from the database: a fixed number of queries."""
    hours = Prefetch("hours", queryset=WorkingHours.objects.order_by("weekday", "start"))
    therapists = list(Therapist.objects.active().select_related("headshot").prefetch_related(hours))
    offers: dict[int, set[int]] = defaultdict(set)
    for therapist_id, service_id in Therapist.services.through.objects.values_list(
        "therapist_id", "service_id"
    ):
        offers[therapist_id].add(service_id)
    preferred: dict[int, list[int]] = defaultdict(list)
    for therapist_id, room_id in Therapist.preferred_rooms.through.objects.values_list(
        "therapist_id", "room_id"
    ):
        preferred[therapist_id].append(room_id)
    return ClinicSetup(
        version=version,
        policy=BookingPolicy.load(),
        services={service.slug: service for service in Service.objects.active()},
        therapists=therapists,
        offers=offers,
        rooms=list(Room.objects.active()),
        room_features=_pairs(Room.features.through, "room_id", "roomfeature_id"),
        needs=_pairs(Service.required_features.through, "service_id", "roomfeature_id"),
        preferred=preferred,
        # Closures are few (holidays, repairs) and change with the setup's version.
        closures=list(
            Closure.objects.filter(end__gt=timezone.now() - timedelta(days=1))
            .order_by("start")
            .values_list("start", "end")
        ),
        weekly={t.pk: weekly_hours(t.hours.all()) for t in therapists},
    )


def weekly_hours(rows: Iterable[WorkingHours]) -> dict[int, list[tuple[time, time]]]:
    """Working hours rows as the engine's week: weekday -> [(start, end), ...]."""
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for hours in rows:
        weekly[hours.weekday].append((hours.start, hours.end))
    return weekly


def _pairs(through, left: str, right: str) -> dict[int, set[int]]:
    pairs: dict[int, set[int]] = defaultdict(set)
    for one, other in through.objects.values_list(left, right):
        pairs[one].add(other)
    return pairs
