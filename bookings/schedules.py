"""Slot finding: the availability engine's inputs loaded from the database, and its answers.

One query per kind of row (therapists with their hours, time off, closures, bookings),
whatever the date range and however many therapists: never a query per day or per slot.
Pages, the API, the back office and the booking services all find free times here; the
rules they apply (online, or staff booking for a caller) come from `rules_from`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from . import availability, clinic_setup, free_times
from .clinic_setup import ClinicSetup, weekly_hours
from .models import (
    Booking,
    BookingPolicy,
    Closure,
    Room,
    Service,
    Therapist,
    TimeOff,
    WorkingHours,
)
from .refusals import BookingError, SlotUnavailable, slot_refusal
from .rooms import room_schedules, suitable_rooms
from .times import clinic_tz

# Staff booking for a caller are not held to the online notice, and may book a year ahead.
STAFF_HORIZON = timedelta(days=366)


def rules_from(policy: BookingPolicy, *, staff: bool = False) -> availability.Rules:
    """The engine's rules: the policy's for clients online; no notice and a year for staff."""
    if staff:
        return availability.Rules(step=policy.step, notice=timedelta(), horizon=STAFF_HORIZON)
    return availability.Rules(step=policy.step, notice=policy.notice, horizon=policy.horizon)


def schedule_of(therapist: Therapist) -> availability.Schedule:
    """The therapist's week (hours prefetched), without time off or bookings."""
    return availability.Schedule(key=therapist.slug, weekly=weekly_hours(therapist.hours.all()))


@dataclass
class Loaded:
    schedules: list[availability.Schedule]
    load: dict[str, dict[date, int]]
    rooms: availability.Rooms | None = None  # loaded for a service, when the clinic books rooms


def therapists_with_hours(queryset):
    return queryset.prefetch_related(
        Prefetch("hours", queryset=WorkingHours.objects.order_by("weekday", "start"))
    )


def load_schedules(
    therapists: Sequence[Therapist],
    first: date,
    last: date,
    *,
    exclude_booking: Booking | None = None,
    tz: ZoneInfo | None = None,
    service: Service | None = None,
) -> Loaded:
    """Schedules of `therapists` (hours already prefetched) for local dates first..last, and
    with `service` the rooms it may use.

    `exclude_booking` leaves one booking out of the busy times: the one being rescheduled.
    """
    tz = tz or clinic_tz()
    window_start = datetime.combine(first - timedelta(days=1), time.min, tzinfo=tz)
    window_end = datetime.combine(last + timedelta(days=2), time.min, tzinfo=tz)
    by_id = {t.pk: schedule_of(t) for t in therapists}
    load: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))

    for row in (
        TimeOff.objects.overlapping(window_start, window_end)
        .filter(therapist__in=list(by_id))
        .values_list("therapist_id", "start", "end")
    ):
        by_id[row[0]].off.append((row[1], row[2]))

    closures = list(
        Closure.objects.overlapping(window_start, window_end).values_list("start", "end")
    )
    for schedule in by_id.values():
        schedule.off.extend(closures)

    # One query for the bookings of these therapists and of the rooms the service may use.
    rooms = suitable_rooms(service) if service is not None else None
    room_ids = [room.pk for room in rooms or []]
    bookings = Booking.objects.active().overlapping(window_start, window_end)
    bookings = bookings.filter(Q(therapist__in=list(by_id)) | Q(room__in=room_ids))
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    in_rooms = []
    for therapist_id, room_id, start, blocked_until in bookings.values_list(
        "therapist_id", "room_id", "start", "blocked_until"
    ):
        if room_id in room_ids:
            in_rooms.append((room_id, start, blocked_until))
        schedule = by_id.get(therapist_id)
        if schedule is not None:
            schedule.booked.append((start, blocked_until))
            load[schedule.key][start.astimezone(tz).date()] += 1

    if rooms is not None:
        rooms = room_schedules(
            rooms, therapists, (window_start, window_end), closures=closures, booked=in_rooms, tz=tz
        )
    return Loaded(schedules=[by_id[t.pk] for t in therapists], load=load, rooms=rooms)


def find_starts(
    service: Service,
    therapist: Therapist | None,
    first: date,
    last: date,
    *,
    now: datetime,
    policy: BookingPolicy,
    staff: bool = False,
    exclude_booking: Booking | None = None,
    offering: list[Therapist] | None = None,
    setup: ClinicSetup | None = None,
) -> list[tuple[int, str, str | None]]:
    """Free starts for a service with one therapist or anyone qualified, as the engine gives
    them: (POSIX seconds, therapist slug, room slug or None), in time order. The days come from
    `free_times` (cached per therapist and room and day); a constant number of queries.

    `staff`: the rules of staff booking for a caller (see `rules_from`). `offering`: the
    service's therapists with their hours, when the caller already has them.
    """
    setup = setup or clinic_setup.current()
    if offering is None:
        offering = setup.offering(service)
    therapists = [t for t in offering if therapist is None or t.pk == therapist.pk]
    if not therapists:
        return []
    tz = clinic_tz()
    window = free_times.Window.of(first, last, tz)
    inputs = free_times.inputs(
        therapists,
        setup.suitable_rooms(service),
        setup.preferred,
        window,
        weekly={t.pk: setup.week_of(t) for t in therapists},
        closures=setup.closures_between(*window.bounds),
        tz=tz,
        setup_version=setup.version,
        exclude=exclude_booking,
    )
    rules = rules_from(policy, staff=staff)
    return availability.free_slots_at(
        inputs.timelines,
        duration=int(service.length.total_seconds()),
        buffer=int(service.buffer.total_seconds()),
        step=int(rules.step.total_seconds()),
        earliest=math.ceil((now + rules.notice).timestamp()),
        latest=math.floor((now + rules.horizon).timestamp()),
        load=inputs.load,
        rooms=inputs.rooms,
    )


def find_slots(
    service: Service,
    therapist: Therapist | None,
    first: date,
    last: date,
    **options,
) -> list[availability.Slot]:
    """`find_starts` as slots, with UTC datetimes (see `in_clinic_time` for display)."""
    slots, length = [], service.length
    for seconds, slug, room in find_starts(service, therapist, first, last, **options):
        start = datetime.fromtimestamp(seconds, UTC)
        slots.append(availability.Slot(start, start + length, slug, room))
    return slots


def nearest_slots(
    service: Service,
    therapist: Therapist | None,
    around: datetime,
    *,
    now: datetime,
    policy: BookingPolicy,
    staff: bool = False,
    exclude_booking: Booking | None = None,
    count: int = 6,
) -> list[availability.Slot]:
    """The `count` free slots closest to `around` (within a week), in time and clinic time."""
    tz = clinic_tz()
    day = max(around.astimezone(tz).date(), now.astimezone(tz).date())
    slots = find_slots(
        service,
        therapist,
        day - timedelta(days=1),
        day + timedelta(days=7),
        now=now,
        policy=policy,
        staff=staff,
        exclude_booking=exclude_booking,
    )
    closest = sorted(slots, key=lambda slot: abs(slot.start - around))[:count]
    return in_clinic_time(sorted(closest, key=lambda slot: slot.start))


def in_clinic_time(slots: list[availability.Slot]) -> list[availability.Slot]:
    """The same slots with clinic-time datetimes, for display and links (e.g. ...T10:00-07:00)."""
    tz = clinic_tz()
    return [
        replace(slot, start=slot.start.astimezone(tz), end=slot.end.astimezone(tz))
        for slot in slots
    ]


# --- Checking one slot ----------------------------------------------------------------------


def check_slot(
    candidates: list[Therapist],
    *,
    service: Service,
    start: datetime,
    now: datetime,
    policy: BookingPolicy,
    override_hours: bool = False,
    staff: bool = False,
    exclude: Booking | None = None,
) -> tuple[Therapist, Room | None]:
    """The therapist and room to book at `start`, or SlotUnavailable. Call it under the lock.

    Staff (booking for a caller) are not held to the online notice and horizon; with
    `override_hours` they may also book outside working hours, off the grid or during time
    off, preferring a therapist who is working. Nobody books in the past or over a booking.
    """
    tz = clinic_tz()
    day = start.astimezone(tz).date()
    loaded = load_schedules(candidates, day, day, exclude_booking=exclude, tz=tz, service=service)
    rules = rules_from(policy, staff=staff or override_hours)
    reasons: dict[int, str | None] = {}
    overridden = set()
    for therapist, schedule in zip(candidates, loaded.schedules, strict=True):
        reason = availability.why_unavailable(
            schedule,
            start,
            duration=service.length,
            buffer=service.buffer,
            now=now,
            rules=rules,
            tz=tz,
        )
        if override_hours and reason in {"hours", "off_grid", "time_off"}:
            end = start + service.length + service.buffer
            if availability.clashes_with_bookings(schedule, start, end):
                reason = "booked"
            else:
                reason = None
                overridden.add(therapist.pk)
        reasons[therapist.pk] = reason
    free = [t for t in candidates if reasons[t.pk] is None]
    if not free:
        raise _unavailable(candidates, reasons, policy)
    # Someone actually working first; then spread the day's work: fewest sessions that day.
    chosen = min(
        free,
        key=lambda t: (t.pk in overridden, loaded.load.get(t.slug, {}).get(day, 0), t.order, t.pk),
    )
    return chosen, _room_for(
        loaded.rooms, chosen, start, start + service.length + service.buffer, day=day, policy=policy
    )


def _room_for(rooms, therapist, start, end, *, day, policy) -> Room | None:
    """The room for the session and its cleanup: None when the clinic books no rooms,
    SlotUnavailable when every suitable room is taken or closed."""
    if rooms is None:
        return None
    slug = rooms.choose(therapist.slug, start, end, day)
    if slug is None:
        raise SlotUnavailable(slot_refusal("room", policy=policy, therapist=therapist), "room")
    return Room.objects.get(slug=slug)


def _unavailable(candidates, reasons: dict, policy: BookingPolicy) -> SlotUnavailable:
    """Why none of the candidates can be booked: their own reason when one was asked for."""
    if len(candidates) == 1:
        code = reasons[candidates[0].pk]
        return SlotUnavailable(slot_refusal(code, policy=policy, therapist=candidates[0]), code)
    codes = set(reasons.values())
    if "booked" in codes:
        code = "nobody"  # someone would have been free but for another booking: a lost race
    elif len(codes) == 1:
        code = codes.pop()
    else:
        code = "hours"
    return SlotUnavailable(slot_refusal(code, policy=policy, therapist=None), code)


def bookable_therapists(service: Service, therapist: Therapist | None) -> list[Therapist]:
    """Who may be booked for `service`: `therapist` if they offer it, or everyone who does."""
    if not service.active:
        raise BookingError(
            _("This service is not available for online booking."), "inactive_service"
        )
    qualified = therapists_with_hours(Therapist.objects.offering(service).order_by("pk"))
    if therapist is not None:
        qualified = qualified.filter(pk=therapist.pk)
    candidates = list(qualified)
    if not candidates:
        if therapist is not None:
            raise BookingError(
                _("%(name)s does not offer this service. Please choose another therapist.")
                % {"name": therapist.name},
                "not_offered",
            )
        raise BookingError(_("No therapist offers this service at the moment."), "not_offered")
    return candidates


def slot_problem(
    *,
    service: Service,
    therapist: Therapist | None,
    start: datetime,
    now: datetime,
    policy: BookingPolicy | None = None,
    exclude: Booking | None = None,
) -> BookingError | None:
    """Why `start` cannot be booked, checked without the lock: for pages that show a slot.

    The same rules as booking; the booking itself checks again under the lock.
    """
    try:
        candidates = bookable_therapists(service, therapist)
        check_slot(
            candidates,
            service=service,
            start=start,
            now=now,
            policy=policy or BookingPolicy.load(),
            exclude=exclude,
        )
    except BookingError as error:
        return error
    return None
