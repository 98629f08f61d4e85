"""The outbox: emails written with the change they report, sent once by a worker, retried."""

import logging
import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from bookings import outbox, services
from bookings.demo import ensure_groups
from bookings.models import Booking, BookingPolicy, OutboxEmail
from tests.factories import NOW, local, make_booking, make_service, make_therapist

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TUESDAY_10 = local("2026-12-08", "10:00")
CONFIRM = "/book/sciatica-relief-60/confirm/?therapist=maren&start=2026-12-08T10:00-07:00"
DETAILS = {
    "name": "Ruth Andersen",
    "email": "ruth@example.com",
    "phone": "(406) 555-0147",
    "accept_policy": "on",
}


@pytest.fixture
def workers_later(settings):
    """Tasks wait in the database queue, as in production, until a worker runs them."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def smtp_down(settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1
    settings.EMAIL_USE_TLS = False


def book(*, service):
    return services.booking_create(
        service=service,
        therapist=None,
        start=TUESDAY_10,
        name="Ruth Andersen",
        email="ruth@example.com",
        phone="(406) 555-0147",
        now=NOW,
    )


def run_worker():
    call_command("run_worker", batch=True, verbosity=0)


# --- Written with the change, sent after commit -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_email_of_a_change_that_rolls_back_is_never_sent(workers_later):
    BookingPolicy().save()
    service = make_service()
    make_therapist(services=[service])
    with pytest.raises(RuntimeError), transaction.atomic():
        book(service=service)
        assert OutboxEmail.objects.count() == 2  # written inside the transaction...
        raise RuntimeError("something later in the same transaction failed")
    run_worker()
    assert not OutboxEmail.objects.exists() and not Booking.objects.exists()
    assert not DBTaskResult.objects.exists()  # ...and nothing was ever queued
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_email_is_sent_once_by_two_workers_at_once(workers_later):
    BookingPolicy().save()
    service = make_service()
    make_therapist(services=[service])
    book(service=service)
    emails = list(OutboxEmail.objects.values_list("pk", flat=True))
    assert len(emails) == 2  # queued after commit, by id only: the queue holds no details
    queued = sorted(row.args_kwargs["args"] for row in DBTaskResult.objects.all())
    assert queued == [[pk] for pk in sorted(emails)]
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            # Both workers were handed every email: a duplicated task, or a sweep.
            results.extend(outbox.email_send(email_id=pk, now=NOW) for pk in emails)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sent", "sent", "skipped", "skipped"]
    assert sorted(m.to[0] for m in mail.outbox) == ["maren@clinic.example", "ruth@example.com"]
    run_worker()  # the queued tasks find nothing left to send
    assert len(mail.outbox) == 2
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_the_booking_request_only_writes_the_outbox(
    client, policy, therapist, workers_later, smtp_down, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM, DETAILS, follow=True)
    page = response.content.decode()
    assert "Your confirmation is on its way to ruth@example.com" in page
    assert "emailed" not in page
    email = OutboxEmail.objects.get(to="ruth@example.com")
    assert email.status == "waiting" and email.attempts == 0  # no mail server was tried
    assert email.subject.startswith("Booking confirmed") and "BEGIN:VCALENDAR" in email.calendar


@pytest.mark.django_db
def test_the_booking_page_says_what_happened_to_the_confirmation(
    client, policy, therapist, workers_later, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(CONFIRM, DETAILS)
    booking = Booking.objects.get()
    with time_machine.travel(NOW, tick=False):
        waiting = client.get(booking.manage_path()).content.decode()
        outbox.email_send(email_id=booking.emails.get(to="ruth@example.com").pk, now=NOW)
        sent = client.get(booking.manage_path()).content.decode()
        OutboxEmail.objects.filter(to="ruth@example.com").update(status="failed")
        failed = client.get(booking.manage_path()).content.decode()
    assert "Your confirmation is on its way to ruth@example.com" in waiting
    assert "We have emailed the details to ruth@example.com" in sent
    assert "We could not email ruth@example.com" in failed


# --- Retries, failures, sending again ------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_mail_server_is_tried_six_times_over_an_hour_then_failed(
    policy, therapist, service, workers_later, smtp_down, caplog
):
    booking = make_booking(therapist=therapist, service=service, start=TUESDAY_10)
    email = outbox.email_queue(
        to=booking.client.email, subject="Hello", body="Text", kind="test", booking=booking
    )
    tries, moment = [], NOW
    with caplog.at_level(logging.WARNING):
        for _ in range(10):
            with time_machine.travel(moment, tick=False):
                tries.append(outbox.email_send(email_id=email.pk, now=moment))
            email.refresh_from_db()
            moment = email.next_attempt_at
    assert tries == ["retry"] * 5 + ["failed"] + ["skipped"] * 4
    assert email.status == "failed" and email.attempts == 6
    assert email.last_error == "ConnectionRefusedError"
    assert timedelta(minutes=60) <= moment - NOW <= timedelta(minutes=70)
    assert booking.reference in caplog.text
    for secret in (booking.client.email, booking.client.name, booking.token):
        assert secret not in caplog.text
    # Each retry waits in the queue for its time.
    assert DBTaskResult.objects.filter(run_after__gt=NOW).count() == 5


@pytest.mark.django_db
def test_the_front_desk_sees_failed_emails_and_sends_them_again(
    client, policy, therapist, service, django_user_model, django_capture_on_commit_callbacks
):
    ensure_groups()
    desk = django_user_model.objects.create_user("desk", password="pw-desk-123", is_staff=True)
    desk.groups.add(Group.objects.get(name="Front desk"))
    booking = make_booking(therapist=therapist, service=service, start=TUESDAY_10)
    failed = outbox.email_queue(
        to="ruth@example.com", subject="Booking confirmed: x", body="b", kind="t", booking=booking
    )
    OutboxEmail.objects.filter(pk=failed.pk).update(status="failed", attempts=6)
    client.force_login(desk)
    listing = client.get("/admin/bookings/outboxemail/?status__exact=failed")
    assert listing.status_code == 200 and "Booking confirmed: x" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/bookings/outboxemail/",
            {"action": "send_again", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "1 email is on its way again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Booking confirmed: x"]


@pytest.mark.django_db
def test_therapists_do_not_see_the_outbox(client, policy, django_user_model):
    ensure_groups()
    user = django_user_model.objects.create_user("maren", password="pw-maren-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Therapist"))
    client.force_login(user)
    assert client.get("/admin/bookings/outboxemail/").status_code == 403


@pytest.mark.django_db
def test_the_sweep_queues_lost_emails_and_takes_back_dead_tries(policy, workers_later):
    lost = outbox.email_queue(to="a@example.com", subject="Lost", body="b", kind="t")
    stuck = outbox.email_queue(to="b@example.com", subject="Stuck", body="b", kind="t")
    fresh = outbox.email_queue(to="c@example.com", subject="Fresh", body="b", kind="t")
    OutboxEmail.objects.filter(pk=lost.pk).update(next_attempt_at=NOW - timedelta(minutes=10))
    OutboxEmail.objects.filter(pk=stuck.pk).update(
        status="sending", claimed_at=NOW - timedelta(minutes=20)
    )
    OutboxEmail.objects.filter(pk=fresh.pk).update(next_attempt_at=NOW)
    assert outbox.outbox_sweep(now=NOW) == 1  # the fresh one still has its own task
    assert DBTaskResult.objects.get().args_kwargs == {"args": [lost.pk], "kwargs": {}}
    stuck.refresh_from_db()
    assert stuck.status == "waiting"
    assert outbox.outbox_sweep(now=NOW + timedelta(minutes=3)) == 3


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_what_a_booking_queued(workers_later):
    BookingPolicy().save()
    service = make_service()
    make_therapist(services=[service])
    book(service=service)
    assert mail.outbox == []  # the request's part is done, and nothing was sent
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["maren@clinic.example", "ruth@example.com"]
    confirmation = next(m for m in mail.outbox if m.to == ["ruth@example.com"])
    assert confirmation.extra_headers["Message-ID"].startswith("<outbox-")
    assert [name for name, _, _ in confirmation.attachments] == ["booking.ics"]


@pytest.mark.django_db
def test_a_sign_in_link_is_hidden_in_the_admin_and_erased_once_sent(
    client, policy, django_user_model, workers_later
):
    from datetime import timedelta

    from bookings import notifications

    notifications.sign_in_link(
        "ruth@example.com", "https://clinic.example/my/sign-in/SECRET-KEY/", expires=NOW
    )
    email = OutboxEmail.objects.get()
    assert email.private and "SECRET-KEY" in email.body
    client.force_login(django_user_model.objects.create_superuser("owner", "o@example.com"))
    page = client.get(f"/admin/bookings/outboxemail/{email.pk}/change/").content.decode()
    assert "SECRET-KEY" not in page and "Not shown" in page
    assert outbox.email_send(email_id=email.pk, now=NOW + timedelta(seconds=1)) == "sent"
    assert "SECRET-KEY" in mail.outbox[0].body  # the addressee got it...
    email.refresh_from_db()
    assert "SECRET-KEY" not in email.body + email.html  # ...and the outbox kept nothing of it


@pytest.mark.django_db
def test_the_back_office_sees_an_email_without_its_private_links(
    client, policy, django_user_model, workers_later
):
    """A confirmation carries the booking's private link and its health form's mailbox key,
    which open what only the client may see; the outbox shows the email with them redacted,
    to the front desk and to the owner alike."""
    from care.links import mailbox_key

    service = make_service()
    make_therapist(services=[service])
    booking = book(service=service)
    email = OutboxEmail.objects.get(to="ruth@example.com")
    key = mailbox_key(booking)
    assert booking.token in email.body and key in email.body  # what the client receives
    ensure_groups()
    desk = django_user_model.objects.create_user("desk", password="pw-desk-123", is_staff=True)
    desk.groups.add(Group.objects.get(name="Front desk"))
    owner = django_user_model.objects.create_superuser("owner", "o@example.com")
    for user in (desk, owner):
        client.force_login(user)
        response = client.get(f"/admin/bookings/outboxemail/{email.pk}/change/")
        page = response.content.decode()
        assert response.status_code == 200
        assert booking.token not in page and key not in page
        assert "/bookings/[redacted]/" in page and "?k=[redacted]" in page
        assert booking.reference in page  # the rest of the email is there to read
