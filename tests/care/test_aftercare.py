"""Aftercare the morning after: once per completed session even with two workers, never for
cancelled or no-show sessions or after unsubscribing; its pages POST, a GET changes nothing;
the booking link opens the picker on the service, therapist and week."""

import threading

import pytest
import time_machine
from django.core import mail
from django.db import close_old_connections, connection

from articles.models import Article, Category
from bookings.models import Booking
from care.aftercare import aftercare_path, aftercare_send, book_next_path
from care.models import AftercareOptOut, Outcome, TreatmentNote
from tests.care.notes_support import NOTE, NOTE_SECRETS, completed_session, post_note
from tests.care.support import text
from tests.factories import local

pytestmark = pytest.mark.django_db
MORNING_AFTER = local("2026-12-05", "08:30")


@pytest.fixture
def article(clinic):
    category = Category.objects.create(name="Home care", slug="home-care", description="At home.")
    article = Article.objects.create(
        category=category,
        title="Three stretches for sciatica at home",
        slug="three-stretches",
        body="Gently.",
        status=Article.Status.PUBLISHED,
        published_at=local("2026-11-01", "09:00"),
    )
    article.related_services.add(clinic.sciatica)
    return article


@pytest.fixture
def session(client, clinic, article):
    booking = completed_session(clinic, day="2026-12-04")
    client.force_login(clinic.maren_user)
    page = text(client.get(f"/admin/care/treatmentnote/session/{booking.pk}/"))
    assert "Three stretches for sciatica at home (suggested)" in page
    post_note(client, booking, action="sign", articles=[str(article.pk)])
    client.logout()
    return booking


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """aftercare_send, with the outbox's after-commit sending run as a worker would."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return aftercare_send(now=now)

    return run


def test_the_email_goes_the_morning_after_with_advice_articles_and_links(session, send):
    mail.outbox.clear()
    assert send(local("2026-12-04", "18:00")) == 0  # same day
    assert send(local("2026-12-05", "07:00")) == 0  # too early
    assert send(MORNING_AFTER) == 1
    assert send(MORNING_AFTER) == 0
    (email,) = mail.outbox
    body = email.body + email.alternatives[0][0]
    assert email.to == [session.email]
    assert NOTE["home_care"] in body and "Three stretches for sciatica at home" in body
    assert "How do you feel today?" in body
    assert "/book/sciatica-relief-60/?therapist=maren&amp;date=2026-12-11" in body
    assert aftercare_path(session).replace("&", "&amp;") in body
    for secret in NOTE_SECRETS:
        assert secret not in body


def test_the_booking_link_opens_the_picker_on_service_therapist_and_week(client, session):
    note = TreatmentNote.objects.get(booking=session)
    assert book_next_path(note) == "/book/sciatica-relief-60/?therapist=maren&date=2026-12-11"
    response = client.get(book_next_path(note))
    assert response.status_code == 200
    assert response.context["service"].slug == "sciatica-relief-60"
    assert response.context["therapist_param"] == "maren"
    days = [day.date.isoformat() for day in response.context["days"]]
    assert "2026-12-11" in days and days[0] == "2026-12-07"


@pytest.mark.parametrize("status", [Booking.Status.CANCELLED, Booking.Status.NO_SHOW])
def test_none_for_cancelled_or_no_show_sessions(session, status, send):
    Booking.objects.filter(pk=session.pk).update(status=status)
    mail.outbox.clear()
    assert send(MORNING_AFTER) == 0 and not mail.outbox


def test_none_after_unsubscribing_in_one_click(client, session, send):
    url = aftercare_path(session)
    page = text(client.get(url))
    assert "Unsubscribe from aftercare emails" in page
    stop = url.replace("/aftercare/", "/aftercare/stop/")
    assert client.get(stop).status_code == 405  # a GET changes nothing
    assert client.post(stop).status_code == 302
    assert AftercareOptOut.objects.filter(client=session.client).exists()
    mail.outbox.clear()
    assert send(MORNING_AFTER) == 0 and not mail.outbox


def test_how_do_you_feel_buttons_post_and_a_get_changes_nothing(client, session):
    url = aftercare_path(session)
    page = text(client.get(url))
    assert page.count('name="score"') == 11
    assert not Outcome.objects.filter(measure=Outcome.Measure.PAIN_NEXT_DAY).exists()
    assert client.post(url, {"score": "2"}).status_code == 302
    outcome = Outcome.objects.get(booking=session, measure=Outcome.Measure.PAIN_NEXT_DAY)
    assert outcome.value["score"] == 2
    after = text(client.get(url))
    assert "You told us 2 out of 10 today" in after and "<svg" in after
    assert client.post(url, {"score": "11"}).status_code == 400


def test_the_aftercare_page_needs_the_emails_key(client, session):
    bare = f"/bookings/{session.token}/aftercare/"
    assert client.get(bare).status_code == 404
    assert client.get(bare + "?k=wrong").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_aftercare_once(clinic, article, django_user_model):
    booking = completed_session(clinic, day="2026-12-04")
    other = completed_session(clinic, client=clinic.dan, therapist=clinic.hannah, day="2026-12-04")
    for b, user in [(booking, clinic.maren_user), (other, clinic.hannah_user)]:
        TreatmentNote.objects.create(
            booking=b,
            client=b.client,
            home_care="Walk a little every hour.",
            created_at=MORNING_AFTER,
            updated_at=MORNING_AFTER,
            signed_at=MORNING_AFTER,
            signed_by=user,
            signed_name="Therapist",
        )
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    counts = []

    def worker():
        try:
            with time_machine.travel(MORNING_AFTER, tick=False):
                barrier.wait()
                counts.append(aftercare_send(now=MORNING_AFTER))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booking.email, other.email])


def test_an_article_withdrawn_since_the_note_is_no_longer_linked(client, session, article):
    url = aftercare_path(session)
    assert article.get_absolute_url() in text(client.get(url))
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    page = text(client.get(url))
    assert article.get_absolute_url() not in page and article.title not in page
