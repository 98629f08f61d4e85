"""Free times cached per therapist, room and day: never stale, and only what changed is read."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bookings import clinic_setup, free_times, services
from bookings.models import BookingPolicy, Closure, Room, RoomClosure, TimeOff, WorkingHours
from bookings.times import iso_times
from tests.factories import NOW, local, make_booking, make_service, make_therapist

WEEK = {"service": "sciatica-relief-60", "therapist": "any", "start": "2026-12-08", "days": "7"}
PERSON = {"name": "Ruth Andersen", "email": "ruth@example.com", "phone": "(406) 555-0147"}


@pytest.fixture
def clinic(db, policy):
    sciatica = make_service()
    team = [
        make_therapist(services=[sciatica]),
        make_therapist(
            slug="luis", name="Luis Echeverria", email="luis@c.example", services=[sciatica]
        ),
        make_therapist(
            slug="hannah", name="Hannah Kowalski", email="hannah@c.example", services=[sciatica]
        ),
    ]
    rooms = [Room.objects.create(slug=f"room-{n}", name=f"Room {n}") for n in (1, 2, 3)]
    booked = make_booking(
        therapist=team[1], service=sciatica, start=local("2026-12-09", "10:00"), room=rooms[0]
    )
    return {"sciatica": sciatica, "team": team, "rooms": rooms, "booked": booked}


def free(client, **params) -> list[dict]:
    response = client.get("/api/availability", {**WEEK, **params})
    assert response.status_code == 200
    return response.json()["slots"]


def computed_afresh(client, **params) -> list[dict]:
    """The same answer with nothing cached anywhere."""
    for cache in caches.all():
        cache.clear()
    clinic_setup.forget()
    return free(client, **params)


def _book(c):
    services.booking_create(
        service=c["sciatica"], therapist=c["team"][0], start=local("2026-12-08", "10:00"),
        now=NOW, **PERSON,
    )  # fmt: skip


def _move(c):
    services.booking_reschedule(
        booking=c["booked"], start=local("2026-12-10", "14:00"), therapist=None, now=NOW
    )


def _cancel(c):
    services.booking_cancel(booking=c["booked"], now=NOW)


def _hours(c):
    WorkingHours.objects.filter(therapist=c["team"][2], weekday=3).update(end=time(15))
    # The admin saves rows one by one (an update() sends no signal).
    for hours in WorkingHours.objects.filter(therapist=c["team"][2], weekday=3):
        hours.save()


def _time_off(c):
    TimeOff.objects.create(
        therapist=c["team"][0], start=local("2026-12-11", "08:00"), end=local("2026-12-11", "18:00")
    )


def _closure(c):
    Closure.objects.create(
        start=local("2026-12-08", "12:00"), end=local("2026-12-08", "18:00"), reason="Repairs"
    )


def _policy(c):
    policy = BookingPolicy.load()
    policy.slot_step = 30
    policy.save()


def _length(c):
    c["sciatica"].duration = 90
    c["sciatica"].save()


def _room_closure(c):
    for room in c["rooms"]:
        RoomClosure.objects.create(
            room=room,
            start=local("2026-12-10", "00:00"),
            end=local("2026-12-11", "00:00"),
            reason="New flooring",
        )


CHANGES = [_book, _move, _cancel, _hours, _time_off, _closure, _policy, _length, _room_closure]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_no_stale_free_time_is_offered_after_a_change(client, clinic, change):
    asked = ["any", "maren", "luis", "hannah"]
    before = {therapist: free(client, therapist=therapist) for therapist in asked}
    assert {t: free(client, therapist=t) for t in asked} == before  # cached: page and days
    change(clinic)
    after = {therapist: free(client, therapist=therapist) for therapist in asked}
    assert after == {t: computed_afresh(client, therapist=t) for t in asked}
    assert after != before  # each change moves someone's free times


def test_a_booking_with_maren_leaves_the_other_therapists_days_cached(client, clinic, monkeypatch):
    free(client)
    read = []
    original = free_times.read_days

    def spy(therapists, rooms, window, **kwargs):
        read.append(({t.slug for t in therapists}, {r.slug for r in rooms}))
        return original(therapists, rooms, window, **kwargs)

    monkeypatch.setattr(free_times, "read_days", spy)
    _book(clinic)
    booked_room = clinic["sciatica"].bookings.latest("created_at").room.slug
    after = free(client)
    # Only Maren's days and the room she was given are read again; Luis's and Hannah's come
    # from the cache, and the answer is the same as one computed from nothing.
    assert read == [({"maren"}, {booked_room})]
    assert after == computed_afresh(client)


def test_a_moved_booking_frees_the_day_it_left(client, clinic):
    wednesday = free(client, therapist="luis", start="2026-12-09", days="1")
    assert "2026-12-09T10:00:00-07:00" not in [slot["start"] for slot in wednesday]
    _move(clinic)
    wednesday = free(client, therapist="luis", start="2026-12-09", days="1")
    assert "2026-12-09T10:00:00-07:00" in [slot["start"] for slot in wednesday]


def test_with_the_free_times_cache_off_every_answer_is_computed(client, clinic, settings):
    settings.FREE_TIMES_CACHE = False
    first = free(client, therapist="maren")
    _book(clinic)
    assert free(client, therapist="maren") == computed_afresh(client, therapist="maren") != first


def test_one_query_keeps_time_off_room_closures_and_bookings_apart(clinic):
    maren, luis, _ = clinic["team"]
    room = clinic["rooms"][0]
    # A therapist and a room with the same id: only the row's kind tells them apart.
    same = Room.objects.filter(pk=maren.pk).first() or Room.objects.create(
        pk=maren.pk, slug="room-same", name="Room with Maren's number"
    )
    off = TimeOff.objects.create(
        therapist=maren, start=local("2026-12-11", "08:00"), end=local("2026-12-11", "12:00")
    )
    closed = RoomClosure.objects.create(
        room=same, start=local("2026-12-10", "13:00"), end=local("2026-12-10", "15:00")
    )
    # Outside the window: neither read.
    TimeOff.objects.create(
        therapist=maren, start=local("2026-12-20", "08:00"), end=local("2026-12-20", "12:00")
    )
    window = free_times.Window.of(
        datetime(2026, 12, 8).date(), datetime(2026, 12, 12).date(), ZoneInfo("America/Denver")
    )

    def seconds(*moments):
        return tuple(int(moment.timestamp()) for moment in moments)

    rows = free_times.read_rows([maren.pk, luis.pk], [same.pk, room.pk], window)

    booked = clinic["booked"]
    assert rows.time_off == [(maren.pk, *seconds(off.start, off.end))]
    assert rows.room_closures == [(same.pk, *seconds(closed.start, closed.end))]
    assert rows.bookings == [(luis.pk, room.pk, *seconds(booked.start, booked.blocked_until))]
    # Rooms only, therapists only.
    rooms_only = free_times.read_rows([], [same.pk], window)
    assert rooms_only.time_off == []
    assert rooms_only.room_closures == rows.room_closures
    assert rooms_only.bookings == [row for row in rows.bookings if row[1] == same.pk]
    team_only = free_times.read_rows([maren.pk], [], window)
    assert (team_only.time_off, team_only.room_closures) == (rows.time_off, [])
    assert team_only.bookings == []  # Luis's


def test_days_are_read_in_constant_queries_whatever_the_team(
    client, clinic, django_assert_max_num_queries
):
    free(client, days="30")
    for n in range(4):
        make_therapist(
            slug=f"extra-{n}", name=f"Extra {n}", email=f"x{n}@c.example",
            services=[clinic["sciatica"]],
        )  # fmt: skip
    # The setup afresh (ten queries), then time off, room closures and bookings in one.
    with django_assert_max_num_queries(11):
        free(client, days="30")
    _book(clinic)
    with django_assert_max_num_queries(1):
        free(client, days="30")


# --- The API writes its times straight from the engine's seconds ------------------------------

# Half-hour offsets and shifts, a midnight that does not exist (Santiago), and none at all.
ZONES = [
    "America/Denver",
    "America/St_Johns",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Santiago",
    "UTC",
]
# Both of Denver's clock changes in 2026, and a year either side.
AROUND = [
    int(datetime(2026, 3, 8, 9, tzinfo=UTC).timestamp()),
    int(datetime(2026, 11, 1, 8, tzinfo=UTC).timestamp()),
]


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    seconds=st.lists(
        st.one_of(
            # Whole minutes, as free times are, and any second.
            st.integers(
                min_value=(AROUND[0] - 400 * 86400) // 60, max_value=(AROUND[1] + 400 * 86400) // 60
            ).map(lambda minute: minute * 60),
            st.integers(min_value=AROUND[0] - 400 * 86400, max_value=AROUND[1] + 400 * 86400),
            st.sampled_from(AROUND).flatmap(
                lambda moment: st.integers(min_value=moment - 7200, max_value=moment + 7200)
            ),
        ),
        max_size=50,
    ),
)
def test_iso_times_are_written_as_datetime_writes_them(zone, seconds):
    tz = ZoneInfo(zone)
    assert iso_times(seconds, tz) == [datetime.fromtimestamp(s, tz).isoformat() for s in seconds]
