"""Rooms: a session needs a free therapist and a free, suitable room, under the guarantee."""

import importlib
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction

from bookings import services
from bookings.availability import Rooms, RoomSchedule, Rules, Schedule, choose_room, free_slots
from bookings.models import Booking, BookingPolicy, Room, RoomClosure, RoomFeature
from bookings.schedules import find_slots
from tests.bookings.test_services import book, race
from tests.factories import NOW, local, make_booking, make_service, make_therapist

DENVER = ZoneInfo("America/Denver")
HOUR = timedelta(hours=1)
RULES = Rules(step=timedelta(minutes=30), notice=timedelta(), horizon=timedelta(days=60))
TUESDAY = date(2026, 12, 8)


def at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=DENVER)


def team(*keys, opens="09:00", closes="12:00", weekday=1):
    return [
        Schedule(
            key=key, weekly={weekday: [(time.fromisoformat(opens), time.fromisoformat(closes))]}
        )
        for key in keys
    ]


def slots(schedules, rooms, *, day=TUESDAY, buffer=timedelta()):
    found = free_slots(
        schedules,
        duration=HOUR,
        buffer=buffer,
        first=day,
        last=day,
        now=at(day, "00:00") - timedelta(days=1),
        rules=RULES,
        tz=DENVER,
        rooms=rooms,
    )
    return [(s.start.astimezone(DENVER).strftime("%H:%M"), s.therapist, s.room) for s in found]


# --- The engine, with no database -------------------------------------------------------------


def test_two_therapists_free_but_one_room_taken_gives_no_slot_then():
    room = RoomSchedule(key="birch", booked=[(at(TUESDAY, "10:00"), at(TUESDAY, "11:00"))])
    found = slots(team("maren", "luis"), Rooms(schedules=[room]))
    assert [start for start, _, _ in found] == ["09:00", "11:00"]


def test_without_rooms_the_team_is_the_only_limit():
    found = slots(team("maren", "luis"), None)
    assert [start for start, _, room in found] == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert {room for _, _, room in found} == {None}


def test_a_rooms_closure_and_the_cleanup_after_a_session_block_it():
    room = RoomSchedule(key="birch", off=[(at(TUESDAY, "09:00"), at(TUESDAY, "10:00"))])
    assert [s for s, _, _ in slots(team("maren"), Rooms(schedules=[room]))] == [
        "10:00",
        "10:30",
        "11:00",
    ]
    # A session 10:00-11:00 with 15 minutes' cleanup keeps the room until 11:15.
    busy = RoomSchedule(key="birch", booked=[(at(TUESDAY, "10:00"), at(TUESDAY, "11:15"))])
    assert [s for s, _, _ in slots(team("luis", closes="13:00"), Rooms(schedules=[busy]))] == [
        "09:00",
        "11:30",
        "12:00",
    ]


def test_the_session_and_its_cleanup_must_fit_in_the_room():
    room = RoomSchedule(key="birch", booked=[(at(TUESDAY, "11:00"), at(TUESDAY, "12:00"))])
    found = slots(team("maren"), Rooms(schedules=[room]), buffer=timedelta(minutes=15))
    assert [s for s, _, _ in found] == ["09:00", "09:30"]  # 10:00 + 60 + 15 meets 11:00


def test_the_preferred_room_first_then_the_least_used_that_day():
    birch, cedar = RoomSchedule(key="birch"), RoomSchedule(key="cedar")
    start, end = at(TUESDAY, "10:00"), at(TUESDAY, "11:00")
    assert choose_room([birch, cedar], start, end) == "birch"
    assert choose_room([birch, cedar], start, end, load={"birch": 2, "cedar": 1}) == "cedar"
    assert choose_room([birch, cedar], start, end, preferred=["birch"], load={"birch": 5}) == (
        "birch"
    )
    birch.booked.append((start, end))
    birch._busy = None
    assert choose_room([birch, cedar], start, end, preferred=["birch"]) == "cedar"


def test_rooms_on_the_day_clocks_go_forward_keep_the_same_slots():
    sunday = date(2027, 3, 14)
    schedules = team("maren", opens="01:00", closes="05:00", weekday=6)
    plain = slots(schedules, None, day=sunday)
    roomed = slots(schedules, Rooms(schedules=[RoomSchedule(key="birch")]), day=sunday)
    assert [s for s, _, _ in roomed] == [s for s, _, _ in plain]
    assert "02:00" not in [s for s, _, _ in roomed]  # that hour does not exist


# --- With the database ------------------------------------------------------------------------


@pytest.fixture
def rooms(db):
    cradle = RoomFeature.objects.create(name="face cradle table")
    birch = Room.objects.create(name="Birch room", slug="birch", order=0)
    cedar = Room.objects.create(name="Cedar room", slug="cedar", order=1)
    cedar.features.add(cradle)
    return {"birch": birch, "cedar": cedar, "cradle": cradle}


TUESDAY_10 = local("2026-12-08", "10:00")


@pytest.mark.django_db
def test_a_booking_takes_a_room_and_the_last_room_is_refused_to_a_second_therapist(policy, rooms):
    service = make_service()
    maren = make_therapist(slug="maren", services=[service])
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service])
    hannah = make_therapist(slug="hannah", name="Hannah Kowalski", services=[service])
    first = book(service, maren)
    second = book(service, luis, email="dan@example.com", name="Dan Okafor")
    assert {first.room, second.room} == {rooms["birch"], rooms["cedar"]}
    with pytest.raises(services.SlotUnavailable) as refused:
        book(service, hannah, email="eve@example.com", name="Eve Marsh")
    assert refused.value.code == "room"
    assert "no treatment room is free" in refused.value.message
    # The free times agree: nobody can be offered 10:00 any more.
    starts = find_slots(service, None, TUESDAY, TUESDAY, now=NOW, policy=policy)
    assert TUESDAY_10 not in [slot.start for slot in starts]


@pytest.mark.django_db
def test_a_service_needing_a_feature_goes_only_to_rooms_that_have_it(policy, rooms):
    facial = make_service(slug="neck-shoulder-30", duration=30)
    facial.required_features.add(rooms["cradle"])
    maren = make_therapist(slug="maren", services=[facial])
    maren.preferred_rooms.add(rooms["birch"])
    booking = book(facial, maren)
    assert booking.room == rooms["cedar"]  # preferred, but birch has no face cradle
    found = find_slots(facial, maren, TUESDAY, TUESDAY, now=NOW, policy=policy)
    assert {slot.room for slot in found} == {"cedar"}


@pytest.mark.django_db
def test_a_room_closed_for_maintenance_blocks_it(policy, rooms):
    service = make_service()
    maren = make_therapist(slug="maren", services=[service])
    for room in (rooms["birch"], rooms["cedar"]):
        RoomClosure.objects.create(
            room=room,
            start=local("2026-12-08", "00:00"),
            end=local("2026-12-09", "00:00"),
            reason="New flooring",
        )
    assert find_slots(service, maren, TUESDAY, TUESDAY, now=NOW, policy=policy) == []
    with pytest.raises(services.SlotUnavailable):
        book(service, maren)


@pytest.mark.django_db
def test_moving_a_booking_keeps_a_free_room(policy, rooms):
    service = make_service()
    maren = make_therapist(slug="maren", services=[service])
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service])
    booking = book(service, maren)
    book(service, luis, start=local("2026-12-09", "10:00"), email="d@example.com", name="Dan O")
    moved = services.booking_reschedule(
        booking=booking, start=local("2026-12-09", "10:00"), therapist=maren, now=NOW
    )
    assert moved.room is not None
    assert Booking.objects.active().filter(room=moved.room, start=moved.start).count() == 1


@pytest.mark.django_db
def test_the_free_times_with_rooms_take_a_constant_number_of_queries(
    client, policy, rooms, django_assert_max_num_queries
):
    service = make_service(slug="neck-shoulder-30", duration=30)
    make_therapist(slug="maren", services=[service])

    def thirty_days():
        with django_assert_max_num_queries(14) as captured:
            response = client.get(
                "/api/availability", {"service": service.slug, "therapist": "any", "days": "30"}
            )
        assert response.status_code == 200 and response.json()["slots"]
        return len(captured)

    before = thirty_days()
    for n in range(3):
        make_therapist(slug=f"t{n}", name=f"Therapist {n}", services=[service])
        Room.objects.create(name=f"Room {n}", slug=f"room-{n}")
    assert thirty_days() == before


@pytest.mark.django_db(transaction=True)
def test_two_therapists_racing_for_the_last_room_get_one_booking(policy):
    """Fails without IMMEDIATE transactions on SQLite, and on PostgreSQL without the room
    row lock and the room's exclusion constraint: each therapist is free, the room is not."""
    Room.objects.create(name="Birch room", slug="birch")
    service = make_service()
    team = [
        make_therapist(slug=f"therapist-{n}", name=f"Therapist {n}", services=[service])
        for n in range(6)
    ]

    def book_one(number):
        book(
            service,
            team[number % len(team)],
            email=f"client{number}@example.com",
            name=f"Client {number}",
        )

    outcomes = race(12, book_one)

    assert outcomes["booked"] == 1, outcomes
    assert set(outcomes) == {"booked", "refused: room", "refused: booked"}
    assert Booking.objects.active().count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_two_bookings_in_one_room_that_bypass_the_service(policy, rooms):
    service = make_service()
    maren = make_therapist(slug="maren", services=[service])
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service])
    make_booking(therapist=maren, service=service, start=TUESDAY_10, room=rooms["birch"])
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        make_booking(
            therapist=luis,
            service=service,
            start=TUESDAY_10 + timedelta(minutes=30),
            room=rooms["birch"],
        )
    assert "booking_room_no_overlap" in str(refused.value)


@pytest.mark.django_db
def test_the_migration_places_existing_bookings_in_rooms_without_overlaps(policy):
    service = make_service()
    team = [make_therapist(slug=f"t{n}", name=f"T {n}", services=[service]) for n in range(3)]
    for therapist in team:
        make_booking(therapist=therapist, service=service, start=TUESDAY_10)
    make_booking(therapist=team[0], service=service, start=local("2026-12-08", "13:00"))
    migration = importlib.import_module("bookings.migrations.0010_rooms_for_existing_bookings")

    migration.place_bookings(django_apps, connection.schema_editor())

    assert Room.objects.count() == 3  # three sessions at 10:00
    for booking in Booking.objects.all():
        assert booking.room is not None
        assert not (
            Booking.objects.active()
            .filter(room=booking.room)
            .overlapping(booking.start, booking.blocked_until)
            .exclude(pk=booking.pk)
            .exists()
        )
    assert BookingPolicy.objects.exists()


# --- The back office ----------------------------------------------------------------------------


@pytest.fixture
def desk(db, django_user_model):
    from bookings.demo import ensure_groups

    user = django_user_model.objects.create_user("frontdesk", password="x", is_staff=True)
    user.groups.add(ensure_groups()["Front desk"])
    return user


def change_url(booking):
    return f"/admin/bookings/booking/{booking.pk}/change/"


def change_form(client, booking) -> dict:
    response = client.get(change_url(booking))
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0"})
    return data


@pytest.mark.django_db
def test_the_front_desk_moves_a_session_to_a_free_room_only(client, policy, rooms, desk):
    service = make_service()
    maren = make_therapist(slug="maren", services=[service])
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service])
    ours = book(service, maren)
    theirs = book(service, luis, email="dan@example.com", name="Dan Okafor")
    client.force_login(desk)

    page = client.get(change_url(ours)).content.decode()
    offered = re.findall(
        r'<option value="(\d+)"', page.split('name="room"')[1].split("</select>")[0]
    )
    assert offered == [str(ours.room.pk)]  # the other room is taken by Dan's session

    data = change_form(client, ours)
    data["room"] = str(theirs.room.pk)  # forged: a taken room
    response = client.post(change_url(ours), data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    ours.refresh_from_db()
    assert ours.room != theirs.room

    services.booking_cancel(booking=theirs, now=NOW, by=desk)
    data = change_form(client, ours)
    data["room"] = str(theirs.room.pk)
    assert client.post(change_url(ours), data).status_code == 302
    ours.refresh_from_db()
    assert ours.room == theirs.room
    assert ours.changes.filter(action__startswith="Moved from").exists()


@pytest.mark.django_db
def test_a_therapist_sees_the_room_but_does_not_change_it(client, policy, rooms, django_user_model):
    from bookings.demo import ensure_groups

    service = make_service()
    maren = make_therapist(slug="maren", services=[service])
    maren.user = django_user_model.objects.create_user("maren", password="x", is_staff=True)
    maren.user.groups.add(ensure_groups()["Therapist"])
    maren.save()
    booking = book(service, maren)
    client.force_login(maren.user)
    page = client.get(change_url(booking)).content.decode()
    assert booking.room.name in page and 'name="room"' not in page


@pytest.mark.django_db
def test_the_agenda_by_room_shows_each_rooms_sessions(client, policy, rooms, desk):
    service = make_service()
    maren = make_therapist(slug="maren", services=[service])
    booking = book(service, maren)
    client.force_login(desk)
    response = client.get("/admin/bookings/booking/agenda/", {"date": "2026-12-08", "by": "room"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Birch room" in page and "Cedar room" in page and "Whole clinic, by room" in page
    assert f"/admin/bookings/booking/{booking.pk}/change/" in page and "with Maren" in page
    # By therapist, each session names its room.
    team = client.get("/admin/bookings/booking/agenda/", {"date": "2026-12-08"})
    assert booking.room.name in team.content.decode()


@pytest.mark.django_db
def test_rooms_are_the_owners_to_set_up(client, admin_client, rooms, desk):
    url = f"/admin/bookings/room/{rooms['birch'].pk}/change/"
    client.force_login(desk)
    assert client.get(url).status_code == 200  # the front desk may look
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    assert admin_client.get("/admin/bookings/room/add/").status_code == 200
