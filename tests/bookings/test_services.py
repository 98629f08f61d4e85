"""bookings.services: the writes and the no-double-booking guarantee."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from bookings import reminders, services
from bookings.models import Booking, Client
from tests.factories import NOW, local, make_booking, make_service, make_therapist

pytestmark = pytest.mark.django_db

TUESDAY_10 = local("2026-12-08", "10:00")


def book(service, therapist, start=TUESDAY_10, email="ruth@example.com", **kwargs):
    return services.booking_create(
        service=service,
        therapist=therapist,
        start=start,
        name=kwargs.pop("name", "Ruth Andersen"),
        email=email,
        phone=kwargs.pop("phone", "(406) 555-0147"),
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def test_booking_a_free_slot_saves_it_with_its_cleanup_time(service, therapist, policy):
    booking = book(service, therapist, notes="Left leg, worse when sitting.")
    assert booking.therapist == therapist
    assert booking.end == TUESDAY_10 + timedelta(minutes=60)
    assert booking.blocked_until == TUESDAY_10 + timedelta(minutes=75)
    assert len(booking.token) >= 40 and len(booking.reference) == 8
    assert Booking.objects.get().notes == "Left leg, worse when sitting."


def test_a_taken_slot_is_refused_and_nothing_is_written(service, therapist, policy):
    book(service, therapist)
    with pytest.raises(services.SlotUnavailable) as refused:
        book(service, therapist, email="dan@example.net", name="Dan Okafor")
    assert refused.value.code == "booked"
    assert Booking.objects.count() == 1
    assert not Client.objects.filter(email="dan@example.net").exists()


def test_cleanup_time_blocks_the_next_start(service, therapist, policy):
    book(service, therapist, start=local("2026-12-08", "13:00"))  # cleanup until 14:15
    with pytest.raises(services.SlotUnavailable) as refused:
        book(service, therapist, start=local("2026-12-08", "14:00"), email="b@example.com")
    assert refused.value.code == "booked"
    assert book(service, therapist, start=local("2026-12-08", "14:15"), email="c@example.com")


def test_any_therapist_goes_to_the_least_busy_one(service, policy):
    maren = make_therapist(slug="maren", services=[service], order=0)
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service], order=1)
    make_booking(therapist=maren, service=service, start=local("2026-12-08", "09:00"))
    booking = book(service, None, start=local("2026-12-08", "14:00"), email="x@example.com")
    assert booking.therapist == luis


def test_any_therapist_falls_back_to_whoever_is_free(service, policy):
    maren = make_therapist(slug="maren", services=[service], order=0)
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service], order=1)
    make_booking(therapist=luis, service=service, start=TUESDAY_10)
    assert book(service, None).therapist == maren
    with pytest.raises(services.SlotUnavailable) as refused:
        book(service, None, email="late@example.com")
    assert refused.value.code == "nobody"


def test_a_returning_client_is_the_same_client(service, therapist, policy):
    first = book(service, therapist, email="Ruth@Example.com")
    second = book(service, therapist, start=local("2026-12-09", "10:00"), email="ruth@example.com")
    assert first.client_id == second.client_id
    assert Client.objects.get().bookings.count() == 2


def test_a_therapist_who_does_not_offer_the_service_is_refused(service, policy):
    neck = make_service(slug="neck-shoulder-30", name="Neck & shoulder", kind="neck_shoulder")
    therapist = make_therapist(services=[neck])
    with pytest.raises(services.BookingError) as refused:
        book(service, therapist)
    assert refused.value.code == "not_offered"
    assert not Booking.objects.exists()


def test_an_inactive_service_cannot_be_booked(therapist, service, policy):
    service.active = False
    service.save()
    with pytest.raises(services.BookingError) as refused:
        book(service, therapist)
    assert refused.value.code == "inactive_service"


def test_cancelling_frees_the_slot_at_once(service, therapist, policy):
    booking = book(service, therapist)
    services.booking_cancel(booking=booking, now=NOW, reason="Feeling better")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancel_reason == "Feeling better"
    assert book(service, therapist, email="next@example.com").start == TUESDAY_10


def test_rescheduling_moves_the_booking_and_keeps_the_old_time_on_failure(
    service, therapist, policy
):
    booking = book(service, therapist)
    other = book(service, therapist, start=local("2026-12-08", "14:00"), email="o@example.com")
    with pytest.raises(services.SlotUnavailable):
        services.booking_reschedule(
            booking=booking, start=other.start, therapist=therapist, now=NOW
        )
    booking.refresh_from_db()
    assert booking.start == TUESDAY_10 and booking.sequence == 0

    moved = services.booking_reschedule(
        booking=booking, start=local("2026-12-09", "09:00"), therapist=therapist, now=NOW
    )
    assert moved.start == local("2026-12-09", "09:00")
    assert moved.sequence == 1
    assert moved.token == booking.token
    # The old time is free again.
    assert book(service, therapist, email="z@example.com").start == TUESDAY_10


def test_rescheduling_to_an_overlapping_time_of_its_own_is_allowed(service, therapist, policy):
    booking = book(service, therapist)
    moved = services.booking_reschedule(
        booking=booking, start=local("2026-12-08", "10:30"), therapist=therapist, now=NOW
    )
    assert moved.start == local("2026-12-08", "10:30")


def race(attempts: int, book_one) -> Counter:
    """Run `book_one(number)` in `attempts` threads, each in its own transaction on its own
    connection, released together by a barrier. Returns what each was told: "booked",
    "refused: <code>", or the unexpected error, with how many were told it."""
    barrier = threading.Barrier(attempts)
    outcomes = []

    def attempt(number):
        started = False
        try:
            connection.ensure_connection()  # connect first, so that all start at once
            barrier.wait()
            started = True
            book_one(number)
            outcomes.append("booked")
        except services.SlotUnavailable as refused:
            outcomes.append(f"refused: {refused.code}")
        except Exception as error:
            if not started:
                barrier.abort()  # nobody waits for a thread that could not start
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def racer(service, therapist):
    def book_one(number):
        book(service, therapist, email=f"client{number}@example.com", name=f"Client {number}")

    return book_one


@pytest.mark.django_db(transaction=True)
def test_twenty_clients_racing_for_one_slot_get_exactly_one_booking(policy):
    """Fails without IMMEDIATE transactions on SQLite; on PostgreSQL, without both the row
    lock and the exclusion constraint (either alone keeps the slot single)."""
    service = make_service()
    therapist = make_therapist(services=[service])

    outcomes = race(20, racer(service, therapist))

    assert outcomes == {"booked": 1, "refused: booked": 19}
    assert Booking.objects.active().filter(therapist=therapist).count() == 1


@pytest.mark.django_db(transaction=True)
def test_clients_racing_for_any_therapist_fill_every_free_therapist_once(policy):
    """Each booking re-checks under the lock, so the second client gets the other therapist
    and the rest hear that nobody is free. Fails without IMMEDIATE transactions on SQLite
    and without the therapist row lock on PostgreSQL, even with the exclusion constraint:
    racers that all chose Maren would be refused by it while Luis is still free."""
    service = make_service()
    maren = make_therapist(slug="maren", services=[service], order=0)
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service], order=1)

    outcomes = race(20, racer(service, None))

    assert outcomes == {"booked": 2, "refused: nobody": 18}
    for therapist in (maren, luis):
        assert Booking.objects.active().filter(therapist=therapist).count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_racers_who_slip_past_the_check_are_turned_away_politely_by_the_database(
    policy, monkeypatch
):
    """The exclusion constraint on its own: with the row lock taken away, racers check the
    slot at the same time and all try to save; the database keeps one and the others are
    told the time has just been booked (not an error page). Fails without the constraint."""
    monkeypatch.setattr(services, "_lock_therapists", lambda therapists, service: None)
    service = make_service()
    therapist = make_therapist(services=[service])

    outcomes = race(20, racer(service, therapist))

    assert outcomes == {"booked": 1, "refused: booked": 19}
    assert Booking.objects.active().filter(therapist=therapist).count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_database_refuses_an_overlap_that_bypasses_the_service(service, therapist, policy):
    make_booking(therapist=therapist, service=service, start=TUESDAY_10)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        make_booking(therapist=therapist, service=service, start=local("2026-12-08", "10:45"))
    # A cancelled booking does not block, and neither does another therapist.
    cancelled = make_booking(
        therapist=therapist,
        service=service,
        start=local("2026-12-08", "13:00"),
        status=Booking.Status.CANCELLED,
    )
    assert make_booking(therapist=therapist, service=service, start=cancelled.start)


def test_front_desk_may_book_a_caller_inside_the_online_notice(service, therapist, policy):
    soon = local("2026-12-07", "09:00")  # one hour from now: too soon online
    with pytest.raises(services.SlotUnavailable) as refused:
        book(service, therapist, start=soon)
    assert refused.value.code == "notice"
    booking = book(service, therapist, start=soon, source=Booking.Source.STAFF)
    assert booking.source == Booking.Source.STAFF
    # Staff still never book over another booking or outside hours without the override.
    with pytest.raises(services.SlotUnavailable):
        book(service, therapist, start=soon, source=Booking.Source.STAFF, email="b@example.com")
    with pytest.raises(services.SlotUnavailable) as refused:
        book(service, therapist, start=local("2026-12-07", "18:00"), source=Booking.Source.STAFF)
    assert refused.value.code == "hours"
    late = book(
        service,
        therapist,
        start=local("2026-12-07", "18:00"),
        source=Booking.Source.STAFF,
        override_hours=True,
    )
    assert late.start == local("2026-12-07", "18:00")


def test_a_known_email_with_another_name_is_another_person_and_rewrites_nobody(
    service, therapist, policy
):
    existing = book(service, therapist, name="Curtis Lindqvist", email="curtis@example.com")
    booking = book(
        service,
        therapist,
        start=local("2026-12-09", "10:00"),
        name="Mallory Evil",
        email="CURTIS@example.com",
    )
    curtis = Client.objects.get(pk=existing.client_id)
    assert curtis.name == "Curtis Lindqvist" and curtis.phone == "(406) 555-0147"
    assert booking.client_id != existing.client_id
    assert booking.client.name == "Mallory Evil" and booking.client.email == "curtis@example.com"
    assert booking.name == "Mallory Evil"


def test_a_family_sharing_an_email_are_two_clients(service, therapist, policy):
    first = book(service, therapist, name="Anna Lindqvist", email="family@example.com")
    second = book(
        service,
        therapist,
        start=local("2026-12-09", "10:00"),
        name="Otto Lindqvist",
        email="family@example.com",
        source=Booking.Source.STAFF,
    )
    assert sorted(Client.objects.values_list("name", flat=True)) == [
        "Anna Lindqvist",
        "Otto Lindqvist",
    ]
    assert second.client_id != first.client_id


def test_a_returning_client_is_the_same_name_and_email_in_any_case_or_spacing(
    service, therapist, policy
):
    first = book(service, therapist, name="Anna Lindqvist", email="anna@example.com")
    again = book(
        service,
        therapist,
        start=local("2026-12-09", "10:00"),
        name="  anna   LINDQVIST ",
        email=" Anna@Example.COM",
        phone="(406) 555-0199",
    )
    assert again.client_id == first.client_id
    # What was typed is on the booking; the person's record is not rewritten.
    assert again.name == "anna LINDQVIST" and again.phone == "(406) 555-0199"
    assert Client.objects.get().phone == "(406) 555-0147"
    assert any("(406) 555-0199" in change.action for change in again.changes.all())


def test_one_person_is_one_client_whatever_the_case(db):
    from django.core.exceptions import ValidationError

    Client.objects.create(name="Ruth Andersen", email="ruth@example.com", phone="1234567")
    duplicate = Client(name="ruth andersen", email="RUTH@Example.com", phone="1234567")
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    Client(name="Per Andersen", email="ruth@example.com", phone="1234567").full_clean()


def test_override_with_any_therapist_prefers_someone_working(service, policy):
    # Hannah does not work Tuesdays; Maren works and is free at 08:15 only by override.
    maren = make_therapist(slug="maren", services=[service], order=1)
    hannah = make_therapist(
        slug="hannah", name="Hannah Kowalski", services=[service], hours={0: [("09:00", "17:00")]}
    )
    inside_hours = book(service, None, source=Booking.Source.STAFF, override_hours=True)
    assert inside_hours.therapist == maren
    early = book(
        service,
        None,
        start=local("2026-12-08", "07:00"),
        source=Booking.Source.STAFF,
        override_hours=True,
        email="early@example.com",
    )
    assert early.therapist in (maren, hannah)


def test_nobody_books_in_the_past_not_even_with_the_override(service, therapist, policy):
    with pytest.raises(services.SlotUnavailable) as refused:
        book(
            service,
            therapist,
            start=NOW - timedelta(hours=3),
            source=Booking.Source.STAFF,
            override_hours=True,
        )
    assert refused.value.code == "past"


def test_moving_a_booking_to_another_therapist_tells_the_first_one(
    service, policy, django_capture_on_commit_callbacks
):
    from django.core import mail

    maren = make_therapist(slug="maren", services=[service])
    luis = make_therapist(
        slug="luis", name="Luis Echeverria", email="luis@clinic.example", services=[service]
    )
    booking = book(service, maren)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(
            booking=booking, start=local("2026-12-09", "10:00"), therapist=luis, now=NOW
        )
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["luis@clinic.example", "maren@clinic.example", "ruth@example.com"]
    to_maren = next(message for message in mail.outbox if message.to == ["maren@clinic.example"])
    assert to_maren.subject.startswith("Booking moved to Luis Echeverria: Tue Dec 8, 10:00 AM MST")
    assert "Was yours: Tuesday, December 8, 2026 at 10:00 AM MST" in to_maren.body
    assert "Wednesday, December 9, 2026 at 10:00 AM MST with Luis Echeverria" in to_maren.body
    to_luis = next(message for message in mail.outbox if message.to == ["luis@clinic.example"])
    assert to_luis.subject.startswith("New booking: Wed Dec 9, 10:00 AM MST")
    to_client = next(message for message in mail.outbox if message.to == ["ruth@example.com"])
    assert "Your therapist is now Luis Echeverria." in to_client.body


def test_a_session_booked_inside_the_reminder_window_gets_no_separate_reminder(
    service, therapist, policy
):
    soon = book(service, therapist, start=local("2026-12-07", "14:00"))  # 6 hours ahead
    later = book(service, therapist, start=local("2026-12-09", "10:00"), email="b@example.com")
    assert soon.reminded_at == NOW and later.reminded_at is None
    assert reminders.reminders_send(now=NOW) == 0
