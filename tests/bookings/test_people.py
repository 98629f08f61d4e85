"""Clients are people: who attends is recorded as typed, and nothing public tells anyone what
is stored about another person; Back and a second POST after booking; the history of a
client's own changes; the lock-in warning."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail

from bookings.models import Booking, BookingChange, Client
from tests.factories import local, make_booking, make_client

pytestmark = pytest.mark.django_db

TUESDAY_10 = local("2026-12-08", "10:00")


def confirm_url(start=TUESDAY_10, therapist="maren"):
    return "/book/sciatica-relief-60/confirm/?" + urlencode(
        {"therapist": therapist, "start": start.isoformat()}
    )


def details(**changes):
    return {
        "name": "Greta Schmidt",
        "email": "walter@example.com",
        "phone": "(406) 555-0190",
        "notes": "",
        "accept_policy": "on",
        "website": "",
        **changes,
    }


def form_key(page: str) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', page).group(1)


def everything_sent() -> str:
    """Every email's subject, bodies and attachments, as one text."""
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body]
        parts += [content for content, _type in message.alternatives]
        parts += [
            content.decode() if isinstance(content, bytes) else content
            for _name, content, _type in message.attachments
        ]
    return "\n".join(parts)


def test_a_known_email_with_a_new_name_shows_only_what_was_typed(
    client, service, therapist, policy, django_capture_on_commit_callbacks
):
    walter = make_client(name="Walter Schmidt", email="walter@example.com", phone="406 555 0111")
    make_booking(
        therapist=therapist,
        service=service,
        start=local("2026-12-01", "10:00"),
        client=walter,
        status=Booking.Status.COMPLETED,
    )
    page = client.get(confirm_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(), details(form_key=form_key(page)), follow=True)
    booking = Booking.objects.get(name="Greta Schmidt")
    calendar = client.get(f"/bookings/{booking.token}/booking.ics").content.decode()
    seen = "\n".join([page, response.content.decode(), everything_sent(), calendar])
    assert "Greta Schmidt" in response.content.decode()
    assert "Walter" not in seen and "406 555 0111" not in seen
    # Greta is a client of her own under the shared email; Walter's record is untouched.
    assert booking.client != walter and booking.client.email == "walter@example.com"
    walter.refresh_from_db()
    assert (walter.name, walter.phone) == ("Walter Schmidt", "406 555 0111")


def test_a_family_under_one_email_each_have_their_own_bookings(client, service, therapist, policy):
    for name, start in [
        ("Anna Lindqvist", TUESDAY_10),
        ("Otto Lindqvist", local("2026-12-08", "14:00")),
    ]:
        page = client.get(confirm_url(start)).content.decode()
        data = details(name=name, email="family@example.com", form_key=form_key(page))
        assert client.post(confirm_url(start), data).status_code == 302
    anna, otto = Client.objects.order_by("name")
    assert (anna.name, otto.name) == ("Anna Lindqvist", "Otto Lindqvist")
    assert anna.email == otto.email == "family@example.com"
    assert [b.name for b in anna.bookings.all()] == ["Anna Lindqvist"]
    assert [b.name for b in otto.bookings.all()] == ["Otto Lindqvist"]


def test_back_after_booking_says_you_booked_it(client, service, therapist, policy):
    page = client.get(confirm_url()).content.decode()
    booked = client.post(confirm_url(), details(form_key=form_key(page)))
    back = client.get(confirm_url())
    text = back.content.decode()
    assert back.status_code == 200
    assert "You have booked this session" in text and booked["Location"] in text
    assert "someone else" not in text
    # Another browser still learns that the time is taken, and nothing else.
    other = client.__class__().get(confirm_url()).content.decode()
    assert "just been booked by someone else" in other and "Greta" not in other


def test_the_same_form_sent_twice_books_once_and_lands_on_the_booking(
    client, service, therapist, policy, django_capture_on_commit_callbacks
):
    page = client.get(confirm_url()).content.decode()
    data = details(form_key=form_key(page))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(confirm_url(), data)
        # A double tap from a second tab or a resubmission: no session in common.
        second = client.__class__().post(confirm_url(), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1
    assert len([m for m in mail.outbox if m.to == ["walter@example.com"]]) == 1


def test_resubmitting_after_booking_never_shows_an_error(client, service, therapist, policy):
    page = client.get(confirm_url()).content.decode()
    first = client.post(confirm_url(), details(form_key=form_key(page)))
    # The browser's "send the form again" without the form's key, from the same session.
    again = client.post(confirm_url(), details())
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Booking.objects.count() == 1


def test_a_clients_online_move_and_cancellation_are_in_the_history(
    client, admin_client, service, therapist, policy
):
    booking = make_booking(therapist=therapist, service=service, start=TUESDAY_10)
    new_start = local("2026-12-09", "14:00")
    move = f"/bookings/{booking.token}/reschedule/confirm/?" + urlencode(
        {"therapist": "maren", "start": new_start.isoformat()}
    )
    assert client.post(move).status_code == 302
    assert (
        client.post(f"/bookings/{booking.token}/cancel/", {"reason": "Feeling better"}).status_code
        == 302
    )
    moved, cancelled = BookingChange.objects.filter(booking=booking)
    assert moved.actor == cancelled.actor == BookingChange.Actor.CLIENT
    assert (
        moved.action == "Moved from Tue Dec 8, 2026, 10:00 AM MST to Wed Dec 9, 2026, 2:00 PM MST"
    )
    assert cancelled.action == "Cancelled: Feeling better"
    page = admin_client.get(f"/admin/bookings/booking/{booking.pk}/change/").content.decode()
    assert page.count("Client online") == 2 and "Moved from Tue Dec 8, 2026" in page


def test_booking_inside_the_cancellation_window_is_said_before_confirming(
    client, service, therapist, policy
):
    soon = local("2026-12-07", "14:00")  # six hours from now, policy window 24 hours
    page = client.get(confirm_url(soon)).content.decode()
    assert "After booking you can no longer change it online." in page
    later = client.get(confirm_url()).content.decode()
    assert "no longer change it online" not in later


def test_moving_into_the_cancellation_window_is_said_before_confirming(
    client, service, therapist, policy
):
    booking = make_booking(therapist=therapist, service=service, start=local("2026-12-10", "10:00"))
    soon = f"/bookings/{booking.token}/reschedule/confirm/?" + urlencode(
        {"therapist": "maren", "start": local("2026-12-07", "15:00").isoformat()}
    )
    assert (
        "After this change you can no longer change it online." in client.get(soon).content.decode()
    )
