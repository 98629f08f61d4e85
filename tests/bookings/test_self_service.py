"""Client self-service: emails, calendar files, the private booking page, cancel, reschedule,
reminders."""

import email
import html
import re
import socket
import threading
from datetime import timedelta
from email import policy as email_policy
from urllib.parse import urlencode

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection
from icalendar import Calendar

from bookings import notifications, reminders, services
from bookings.models import Booking
from tests.factories import NOW, local, make_booking, make_service, make_therapist

pytestmark = pytest.mark.django_db

TUESDAY_10 = local("2026-12-08", "10:00")


@pytest.fixture
def booking(service, therapist, policy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            service=service,
            therapist=therapist,
            start=TUESDAY_10,
            name="Ruth Andersen",
            email="ruth@example.com",
            phone="(406) 555-0147",
            notes="Left hip, worse when sitting.",
            now=NOW,
        )
    return booking


def calendar_of(message) -> Calendar:
    attachments = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(attachments) == 1
    _name, content, mimetype = attachments[0]
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def text(response) -> str:
    return html.unescape(response.content.decode())


def without_csrf(page: str) -> str:  # a new mask on every render
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


# --- Emails and calendar files ----------------------------------------------------------------


def test_confirmation_emails_go_to_client_and_therapist(booking):
    client_mail, therapist_mail = mail.outbox
    assert client_mail.to == ["ruth@example.com"]
    assert client_mail.subject == (
        "Booking confirmed: Sciatica relief massage, Tue Dec 8, 10:00 AM MST"
    )
    for body in (client_mail.body, client_mail.alternatives[0][0]):
        assert "Rimrock Massage & Bodywork" in html.unescape(body)
        assert "2815 Montana Avenue, Suite 200" in body
        assert "(406) 555-0142" in body
        assert "Tuesday, December 8, 2026 at 10:00 AM MST" in body and "Mountain Time" in body
        assert f"http://127.0.0.1:8000/bookings/{booking.token}/" in body
        assert booking.reference in body
    assert client_mail.alternatives[0][1] == "text/html"
    assert "Left hip" not in client_mail.body  # health notes go to the therapist only

    assert therapist_mail.to == ["maren@clinic.example"]
    assert therapist_mail.subject.startswith("New booking: Tue Dec 8, 10:00 AM")
    assert (
        "Ruth Andersen" in therapist_mail.body
        and "Left hip, worse when sitting." in therapist_mail.body
    )
    assert booking.token not in therapist_mail.body


def test_confirmation_carries_a_calendar_file(booking):
    calendar = calendar_of(mail.outbox[0])
    event = event_of(calendar)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == f"booking-{booking.reference}@127.0.0.1:8000"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].dt == TUESDAY_10
    assert event["DTSTART"].params["TZID"] == "America/Denver"
    assert event["DTEND"].dt == TUESDAY_10 + timedelta(hours=1)
    assert "2815 Montana Avenue" in str(event["LOCATION"])
    assert calendar.walk("VTIMEZONE")  # the zone travels with the file


def test_rescheduling_emails_both_with_the_same_uid_and_a_higher_sequence(
    booking, therapist, django_capture_on_commit_callbacks
):
    first_uid = str(event_of(calendar_of(mail.outbox[0]))["UID"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(
            booking=booking, start=local("2026-12-09", "14:00"), therapist=therapist, now=NOW
        )
    client_mail, therapist_mail = mail.outbox
    assert client_mail.subject.startswith(
        "Booking moved: Sciatica relief massage, now Wed Dec 9, 2:00 PM"
    )
    assert "Tuesday, December 8, 2026 at 10:00 AM MST" in client_mail.body  # the old time
    event = event_of(calendar_of(client_mail))
    assert str(event["UID"]) == first_uid
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == local("2026-12-09", "14:00")
    assert therapist_mail.to == ["maren@clinic.example"]
    assert "Was:" in therapist_mail.body


def test_cancelling_sends_a_cancel_calendar_file(booking, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, now=NOW)
    client_mail, therapist_mail = mail.outbox
    assert client_mail.subject.startswith("Booking cancelled")
    calendar = calendar_of(client_mail)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event_of(calendar)["STATUS"]) == "CANCELLED"
    assert event_of(calendar)["SEQUENCE"] == 1
    assert therapist_mail.subject.startswith("Booking cancelled")


def test_an_email_is_sent_through_a_real_smtp_server(
    booking, settings, django_capture_on_commit_callbacks
):
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        with django_capture_on_commit_callbacks(execute=True):  # the worker's part
            notifications.booking_created(booking)
    finally:
        controller.stop()
    to_client = next(e for e in received if e.rcpt_tos == ["ruth@example.com"])
    message = email.message_from_bytes(to_client.content, policy=email_policy.default)
    assert message["Subject"].startswith("Booking confirmed: Sciatica relief massage")
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "text/plain" in parts and "text/html" in parts
    ics = Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    assert str(event_of(ics)["UID"]) == f"booking-{booking.reference}@127.0.0.1:8000"


# --- The private booking page -------------------------------------------------------------------


def test_the_booking_page_shows_the_booking_and_its_options(client, booking):
    response = client.get(f"/bookings/{booking.token}/")
    page = text(response)
    assert response.status_code == 200
    assert booking.reference in page and "Maren Ostby" in page
    assert "Tuesday, December 8, 2026 at 10:00 AM MST" in page
    google = client.get(f"/bookings/{booking.token}/google-calendar/")
    assert f'href="/bookings/{booking.token}/google-calendar/"' in response.content.decode()
    assert google.status_code == 302
    assert google["Location"] == notifications.google_calendar_url(booking)
    assert google["Location"].startswith("https://calendar.google.com/calendar/render?")
    assert client.get("/bookings/not-a-booking/google-calendar/").status_code == 404
    assert (
        f"/bookings/{booking.token}/cancel/" in page
        and f"/bookings/{booking.token}/reschedule/" in page
    )
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    ics = client.get(f"/bookings/{booking.token}/booking.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert event_of(Calendar.from_ical(ics.content))["SEQUENCE"] == 0


@pytest.mark.parametrize("token", ["x" * 43, "short", "a" * 200])
def test_an_unknown_link_is_a_friendly_404(client, booking, token):
    for path in ("", "cancel/", "reschedule/", "booking.ics"):
        response = client.get(f"/bookings/{token}/{path}")
        assert response.status_code == 404
    assert "check the link in your confirmation email" in text(client.get(f"/bookings/{token}/"))


def test_get_never_changes_anything(client, booking):
    mail.outbox.clear()
    before = Booking.objects.values().get()
    other = local("2026-12-09", "10:00").isoformat()
    for path in (
        "",
        "cancel/",
        "reschedule/",
        f"reschedule/confirm/?{urlencode({'therapist': 'maren', 'start': other})}",
        "booking.ics",
    ):
        assert client.get(f"/bookings/{booking.token}/{path}").status_code == 200
    assert Booking.objects.values().get() == before
    assert mail.outbox == []


def test_cancel_asks_first_then_cancels_and_frees_the_slot(
    client, booking, django_capture_on_commit_callbacks
):
    page = text(client.get(f"/bookings/{booking.token}/cancel/"))
    assert "Cancel your booking?" in page and "Yes, cancel my booking" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bookings/{booking.token}/cancel/", {"reason": "Feeling better"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancel_reason == "Feeling better"
    assert "Your booking is cancelled" in text(client.get(response["Location"]))
    # The time is free again at once.
    slots = client.get(
        "/api/availability",
        {"service": booking.service.slug, "therapist": "maren", "start": "2026-12-08", "days": "1"},
    ).json()["slots"]
    assert "2026-12-08T10:00:00-07:00" in {slot["start"] for slot in slots}


def test_a_second_cancel_changes_nothing(client, booking, django_capture_on_commit_callbacks):
    client.post(f"/bookings/{booking.token}/cancel/")
    mail.outbox.clear()
    booking.refresh_from_db()
    cancelled_at = booking.cancelled_at
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bookings/{booking.token}/cancel/", follow=True)
    assert "has been cancelled, so it can no longer be changed" in text(response)
    booking.refresh_from_db()
    assert booking.cancelled_at == cancelled_at and booking.sequence == 1
    assert mail.outbox == []


def test_inside_the_cancellation_window_changes_are_refused_with_the_phone_number(client, booking):
    with time_machine.travel(TUESDAY_10 - timedelta(hours=20), tick=False):
        page = text(client.get(f"/bookings/{booking.token}/"))
        assert "less than 24 hours away" in page and "(406) 555-0142" in page
        assert "Choose a new time" not in page
        assert client.get(f"/bookings/{booking.token}/cancel/").status_code == 409
        response = client.post(f"/bookings/{booking.token}/cancel/", follow=True)
        assert "less than 24 hours away" in text(response)
        assert client.get(f"/bookings/{booking.token}/reschedule/").status_code == 409
        start = local("2026-12-09", "10:00").isoformat()
        query = urlencode({"therapist": "maren", "start": start})
        moved = client.post(f"/bookings/{booking.token}/reschedule/confirm/?{query}")
        assert moved.status_code == 409
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.start == TUESDAY_10


def test_a_refused_move_shows_the_booking_page_as_its_own_link_does(client, booking):
    """The health form still to fill in (not "received") and the pain box, as on the page."""
    start = local("2026-12-09", "10:00").isoformat()
    confirm = f"/bookings/{booking.token}/reschedule/confirm/?" + urlencode(
        {"therapist": "maren", "start": start}
    )
    with time_machine.travel(TUESDAY_10 - timedelta(hours=20), tick=False):
        own = client.get(booking.manage_path())
        for refused in (client.get(f"/bookings/{booking.token}/reschedule/"), client.post(confirm)):
            assert refused.status_code == 409
            page = text(refused)
            assert "Your health form: missing" in page and "Fill in my health form" in page
            assert "Received" not in page
            assert "How is your pain right now?" in page
            assert "less than 24 hours away" in page
            assert without_csrf(page) == without_csrf(text(own))


def test_a_past_session_is_read_only(client, booking):
    with time_machine.travel(TUESDAY_10 + timedelta(days=1), tick=False):
        page = text(client.get(f"/bookings/{booking.token}/"))
        assert "already taken place" in page
        assert client.post(f"/bookings/{booking.token}/cancel/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_reschedule_picks_a_new_time_and_keeps_the_link(
    client, booking, django_capture_on_commit_callbacks
):
    page = text(client.get(f"/bookings/{booking.token}/reschedule/"))
    assert "Move your booking" in page and "stays booked until you confirm" in page
    assert "Free times on Tuesday, December 8" in page  # opens on the booked day
    new_start = local("2026-12-09", "14:00")
    confirm = f"/bookings/{booking.token}/reschedule/confirm/?" + urlencode(
        {"therapist": "maren", "start": new_start.isoformat()}
    )
    assert (
        confirm.replace("&", "&amp;")
        in client.get(
            f"/bookings/{booking.token}/reschedule/", {"date": "2026-12-09"}
        ).content.decode()
    )
    page = text(client.get(confirm))
    assert "Wednesday, December 9, 2026 at 2:00 PM MST" in page
    assert "Tuesday, December 8, 2026 at 10:00 AM MST" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    assert response["Location"] == f"/bookings/{booking.token}/"
    booking.refresh_from_db()
    assert booking.start == new_start and booking.sequence == 1
    assert "Wednesday, December 9, 2026 at 2:00 PM MST" in text(client.get(response["Location"]))
    assert len(mail.outbox) == 2


def test_reschedule_to_a_time_just_taken_keeps_the_old_time(client, booking, service, therapist):
    taken = local("2026-12-09", "14:00")
    confirm = f"/bookings/{booking.token}/reschedule/confirm/?" + urlencode(
        {"therapist": "maren", "start": taken.isoformat()}
    )
    client.get(confirm)
    make_booking(therapist=therapist, service=service, start=taken)
    response = client.post(confirm)
    assert response.status_code == 409
    assert "just been booked" in text(response)
    assert 'name="choose"' in response.content.decode()  # the nearest times, one tap away
    booking.refresh_from_db()
    assert booking.start == TUESDAY_10 and booking.sequence == 0


def intro(page: str) -> str:
    """The page's heading and intro line, and any banner above them, as text."""
    top = page[page.index('<main id="main"') : page.index('<div class="summary-box')]
    return " ".join(re.sub(r"<[^>]+>", " ", top).split())


def test_right_after_booking_the_page_says_so_once(client, service, therapist, policy):
    confirm = "/book/sciatica-relief-60/confirm/?" + urlencode(
        {"therapist": "maren", "start": TUESDAY_10.isoformat()}
    )
    details = {"name": "Ruth Andersen", "email": "ruth@example.com", "phone": "(406) 555-0147"}
    page = text(client.post(confirm, {**details, "accept_policy": "on"}, follow=True))
    assert intro(page) == (
        "Your session is booked We look forward to seeing you. "
        "Your confirmation is on its way to ruth@example.com."
    )
    assert 'class="alert' not in page.split('<div class="summary-box')[0]  # no banner too


def test_after_a_move_the_page_says_it_has_moved_once_then_as_usual(client, booking):
    confirm = f"/bookings/{booking.token}/reschedule/confirm/?" + urlencode(
        {"therapist": "maren", "start": local("2026-12-09", "14:00").isoformat()}
    )
    page = text(client.post(confirm, follow=True))
    assert intro(page) == ("Your session has moved The new time is on its way to ruth@example.com.")
    assert "Wednesday, December 9, 2026 at 2:00 PM MST" in page
    assert 'class="alert' not in page.split('<div class="summary-box')[0]
    later = text(client.get(booking.manage_path()))
    assert intro(later).startswith("Your session is booked We look forward to seeing you.")
    assert "moved" not in intro(later)


def test_a_cancelled_booking_cannot_be_rescheduled_from_an_old_link(client, booking):
    confirm = f"/bookings/{booking.token}/reschedule/confirm/?" + urlencode(
        {"therapist": "maren", "start": local("2026-12-09", "14:00").isoformat()}
    )
    client.post(f"/bookings/{booking.token}/cancel/")
    assert client.get(f"/bookings/{booking.token}/reschedule/").status_code == 409
    assert client.post(confirm).status_code == 409
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.start == TUESDAY_10


# --- Reminders ----------------------------------------------------------------------------------


def test_reminders_go_out_once_for_sessions_within_a_day(
    service, therapist, policy, django_capture_on_commit_callbacks
):
    soon = make_booking(therapist=therapist, service=service, start=local("2026-12-08", "07:30"))
    later = make_booking(therapist=therapist, service=service, start=local("2026-12-10", "10:00"))
    make_booking(
        therapist=therapist,
        service=service,
        start=local("2026-12-08", "09:00"),
        status=Booking.Status.CANCELLED,
    )
    with django_capture_on_commit_callbacks(execute=True):  # the worker's part
        call_command("send_reminders")
    assert [m.to for m in mail.outbox] == [[soon.client.email]]
    assert mail.outbox[0].subject == "Reminder: Sciatica relief massage on Tue Dec 8, 7:30 AM MST"
    assert mail.outbox[0].attachments == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert len(mail.outbox) == 1
    later.refresh_from_db()
    assert later.reminded_at is None


@pytest.mark.django_db(transaction=True)
def test_reminder_jobs_running_at_once_send_each_reminder_once():
    """As when every app server runs the job: none fails, none sends a reminder twice. Fails
    without IMMEDIATE transactions on SQLite (a job dies with "database is locked")."""
    from bookings.models import BookingPolicy

    BookingPolicy().save()
    service = make_service()
    therapists = [make_therapist(slug=f"t{n}", name=f"T {n}", services=[service]) for n in range(4)]
    due = [
        make_booking(therapist=t, service=service, start=local(day, at))
        for t in therapists
        for day, at in [
            ("2026-12-07", "11:00"),
            ("2026-12-07", "13:00"),
            ("2026-12-07", "14:30"),
            ("2026-12-07", "16:00"),
            ("2026-12-08", "07:00"),
        ]
    ]
    jobs = 4
    barrier = threading.Barrier(jobs)
    counts, errors = [], []

    def job():
        started = False
        try:
            connection.ensure_connection()  # connect first, so that all start at once
            barrier.wait()
            started = True
            counts.append(reminders.reminders_send(now=NOW, batch=3))
        except Exception as error:
            if not started:
                barrier.abort()  # nobody waits for a job that could not start
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == len(due)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.client.email for b in due)


def test_reschedule_opens_on_any_therapist_when_theirs_has_left(
    client, booking, therapist, service
):
    colleague = make_therapist(slug="luis", name="Luis Echeverria", services=[service])
    therapist.active = False
    therapist.save()
    response = client.get(f"/bookings/{booking.token}/reschedule/")
    page = text(response)
    assert response.status_code == 200
    assert "We don't know that therapist" not in page and colleague.name in page


def test_reschedule_of_a_booking_beyond_the_online_horizon_opens_without_an_error(
    client, service, therapist, policy
):
    far = make_booking(therapist=therapist, service=service, start=local("2027-03-15", "10:00"))
    response = client.get(f"/bookings/{far.token}/reschedule/")
    assert response.status_code == 200
    assert "Please choose a day between" not in text(response)


def test_moving_to_the_same_time_changes_nothing(client, booking):
    confirm = f"/bookings/{booking.token}/reschedule/confirm/?" + urlencode(
        {"therapist": "maren", "start": TUESDAY_10.isoformat()}
    )
    mail.outbox.clear()
    response = client.post(confirm)
    assert response.status_code == 400
    assert "already your booked time" in text(response)
    booking.refresh_from_db()
    assert booking.sequence == 0 and mail.outbox == []


def test_emails_offer_online_changes_only_until_the_deadline(
    booking, service, therapist, django_capture_on_commit_callbacks
):
    assert "online until Monday, December 7, 2026 at 10:00 AM MST" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(
            service=service,
            therapist=therapist,
            start=local("2026-12-07", "14:00"),  # six hours ahead: inside the 24-hour window
            name="Dan Okafor",
            email="dan@example.net",
            phone="(406) 555-0163",
            now=NOW,
        )
    body = mail.outbox[0].body
    assert "please call us on (406) 555-0142" in body and "online until" not in body


def test_a_cancellation_by_the_clinic_says_so_with_its_note(
    booking, django_user_model, django_capture_on_commit_callbacks
):
    desk = django_user_model.objects.create_user("desk", is_staff=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, now=NOW, reason="Maren is unwell today", by=desk)
    body = mail.outbox[0].body
    assert (
        "cancelled by the clinic" in body and "Note from the clinic: Maren is unwell today" in body
    )


def test_a_later_price_change_leaves_a_booking_at_its_agreed_price(client, booking, service):
    service.price = "120.00"
    service.save()
    booking.refresh_from_db()
    assert str(booking.agreed_price) == "95.00"
    page = text(client.get(f"/bookings/{booking.token}/"))
    assert "$95.00" in page and "$120.00" not in page


# --- The booking page's own read (bookings/booking_page.py) -----------------------------------


def _as_the_orm_reads_it(response, booking) -> str:
    """The page rendered from the ORM's full read of the booking, the policy and its emails,
    as every other page of the booking reads them, for the request `response` answered."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from bookings.models import BookingPolicy
    from bookings.views.self_service import _booking, _manage_context

    booking = _booking(booking.token)
    context = _manage_context(booking, timezone.now(), BookingPolicy.load())
    context.update(_care_boxes_read_apart(booking, timezone.now()))
    return render_to_string("bookings/manage.html", context, request=response.wsgi_request)


def _care_boxes_read_apart(booking, now) -> dict:
    """The health form and pain boxes as care's other pages read them, query by query."""
    from django.urls import reverse

    from care.models import Outcome
    from care.services import SCORES, client_health_form, pain_open

    is_open = pain_open(booking, now)
    given = Outcome.objects.filter(booking=booking, measure="pain_before").first()
    return {
        "health": client_health_form(booking, proven=False),
        "pain": {
            "open": is_open,
            "given": given if is_open else None,
            "scores": SCORES,
            "url": reverse("care:pain", args=[booking.token]),
        },
    }


def _same_page(response, booking):
    from clinic import fragments

    assert response.status_code == 200
    # The reference is rendered with nothing kept from earlier pages (clinic/fragments.py):
    # a part of the page kept under too small a key would show another state's text.
    fragments._rendered.clear()
    orm = _as_the_orm_reads_it(response, booking)
    assert without_csrf(response.content.decode()) == without_csrf(orm)


@time_machine.travel(NOW, tick=False)
def test_the_booking_page_shows_what_the_orms_read_would(client, booking, policy):
    _same_page(client.get(booking.manage_path()), booking)
    booking.emails.update(status="sent")
    _same_page(client.get(booking.manage_path()), booking)
    policy.cancellation_window = 12
    policy.save()
    page = client.get(booking.manage_path())
    _same_page(page, booking)
    assert "until 12 hours before it starts" in text(page)


@time_machine.travel(NOW, tick=False)
def test_every_state_of_the_booking_page_shows_what_the_orms_read_would(
    client, booking, policy, django_capture_on_commit_callbacks
):
    from bookings.models import BookingPolicy, Series
    from care.models import Outcome

    Outcome.objects.create(
        client=booking.client, booking=booking, measure="pain_before", value={"score": 4}, at=NOW
    )
    page = client.get(booking.manage_path())
    _same_page(page, booking)
    assert (
        'value="4" class="btn btn-primary" aria-describedby="pain-scale" aria-pressed="true"'
        in (page.content.decode())
    )
    # A given score is health data: no fragment kept in memory holds it (clinic/fragments.py).
    from clinic import fragments

    assert not any("aria-pressed" in text for text in fragments._rendered.values())
    booking.series = Series.objects.create(client=booking.client, every_weeks=2)
    booking.save()
    _same_page(client.get(booking.manage_path()), booking)
    BookingPolicy.objects.all().delete()  # the defaults, before the owner saves any
    _same_page(client.get(booking.manage_path()), booking)
    with time_machine.travel(TUESDAY_10 - timedelta(hours=20), tick=False):
        _same_page(client.get(booking.manage_path()), booking)  # inside the window
    for status in ("completed", "no_show", "cancelled"):
        Booking.objects.filter(pk=booking.pk).update(status=status)
        _same_page(client.get(booking.manage_path()), booking)


@time_machine.travel(NOW, tick=False)
def test_every_state_of_the_health_form_shows_what_care_reads_apart(client, booking, policy):
    """Missing, a draft, received, needs review, reviewed (cleared, not suitable), over 12
    months old, and a form sent through the booking under another person's name."""
    from bookings.models import Client
    from care.models import ConsentText, Intake, IntakeReview

    consent = ConsentText.objects.create(text="I agree.")

    def submit(**fields):
        fields = {"client": booking.client, "submitted_at": NOW - timedelta(days=3), **fields}
        return Intake.objects.create(booking=booking, status="submitted", consent=consent, **fields)

    def shows(words):
        page = client.get(booking.manage_path())
        _same_page(page, booking)
        assert words in text(page), words

    shows("Your health form: missing")
    draft = Intake.objects.create(client=booking.client, booking=booking)
    shows("You have started it")
    draft.delete()
    old = submit(submitted_at=NOW - timedelta(days=400))
    shows("more than 12 months old")
    submit(flagged=False)
    shows("Your health form: received")
    flagged = submit(flagged=True, submitted_at=NOW - timedelta(days=1))
    shows("Your health form: needs review")
    IntakeReview.objects.create(intake=old, outcome="not_suitable", at=NOW)  # not the newest
    shows("Your health form: needs review")
    IntakeReview.objects.create(intake=flagged, outcome="cleared", at=NOW - timedelta(hours=2))
    shows("Your therapist has read it")
    IntakeReview.objects.create(intake=flagged, outcome="not_suitable", at=NOW)
    shows("We would like to talk with you before your session")
    someone = Client.objects.create(name="Someone Else", email="else@example.com")
    submit(client=someone, submitted_at=NOW)  # the newest, but not the booking's person's
    shows("We would like to talk with you before your session")


@time_machine.travel(NOW, tick=False)
def test_each_booking_page_links_with_its_own_token(client, booking, service, therapist):
    """Parts of the page kept once per state carry each booking's own private links."""
    other = make_booking(service=service, therapist=therapist, start=TUESDAY_10 + timedelta(days=1))
    for shown, hidden in ((booking, other), (other, booking), (booking, other)):
        page = client.get(shown.manage_path())
        _same_page(page, shown)
        for link in ("health-form/", "reschedule/", "cancel/", "booking.ics", "pain/"):
            assert f"/bookings/{shown.token}/{link}" in text(page), link
        assert hidden.token not in text(page)


def test_a_booking_with_no_email_says_none_is_sent(client, booking):
    Booking.objects.filter(pk=booking.pk).update(email="")
    booking.refresh_from_db()
    page = client.get(booking.manage_path())
    _same_page(page, booking)
    assert "on its way to" not in text(page)


def test_the_booking_page_reads_the_database_once(client, booking, django_assert_num_queries):
    """The booking with its service, therapist, newest email, the policy's window, the
    health form's state and the pain already given. It was six queries, one of 51 columns."""
    client.get(booking.manage_path())
    with django_assert_num_queries(1):
        response = client.get(booking.manage_path())
    assert response.status_code == 200
    assert "How is your pain right now?" in text(response)  # every box shown
