"""My bookings: asking for a sign-in link (the same answer for any address), the single-use,
short-lived link, the day-long session, every person under one email, resending a
confirmation, the rate limit."""

import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail, signing
from django.test import Client as HttpClient

from bookings.models import Booking, BookingChange, SignInLink
from bookings.sign_in import SALT
from clinic.logging import redact
from tests.factories import NOW, local, make_booking, make_client

pytestmark = pytest.mark.django_db

MY = "/my/"
LINK = re.compile(r"https?://[^\s\"']+(/my/sign-in/[^\s\"'/]+/)")


@pytest.fixture
def family(service, therapist, policy):
    """Ruth and her son Leo share one email; Dan is somebody else."""
    ruth = make_client(name="Ruth Andersen", email="ruth@example.com")
    leo = make_client(name="Leo Andersen", email="ruth@example.com", phone="(406) 555-0148")
    dan = make_client(name="Dan Okafor", email="dan@example.com", phone="(406) 555-0199")
    return SimpleNamespace(
        ruth=ruth,
        leo=leo,
        dan=dan,
        ruth_next=make_booking(
            therapist=therapist, service=service, client=ruth, start=local("2026-12-08", "10:00")
        ),
        ruth_past=make_booking(
            therapist=therapist,
            service=service,
            client=ruth,
            start=local("2026-12-01", "10:00"),
            status=Booking.Status.COMPLETED,
        ),
        leo_next=make_booking(
            therapist=therapist, service=service, client=leo, start=local("2026-12-09", "14:00")
        ),
        dan_next=make_booking(
            therapist=therapist, service=service, client=dan, start=local("2026-12-10", "10:00")
        ),
    )


def ask(client, email, capture):
    with capture(execute=True):
        return client.post(MY, {"email": email})


def emailed_link(to="ruth@example.com") -> str:
    """The path of the sign-in link in the last email to `to`."""
    message = [m for m in mail.outbox if m.to == [to]][-1]
    return LINK.search(message.body).group(1)


def sign_in(client, capture, email="ruth@example.com"):
    ask(client, email, capture)
    return client.post(emailed_link(email), follow=True)


# --- Asking for a link ----------------------------------------------------------------------


def test_my_bookings_asks_for_an_email_in_a_labelled_form(client, family):
    page = client.get(MY).content.decode()
    assert '<form method="post" action="/my/"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert re.search(r'<label[^>]+for="id_email"', page)
    assert 'type="email"' in page and 'autocomplete="email"' in page
    assert "Email me a sign-in link" in page


def test_a_known_and_an_unknown_address_get_the_same_answer(
    client, family, django_capture_on_commit_callbacks
):
    known = ask(client, "  Ruth@Example.com ", django_capture_on_commit_callbacks)
    unknown = ask(HttpClient(), "nobody@example.com", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/my/link-sent/"
    assert known.cookies.keys() == unknown.cookies.keys()
    known_page, unknown_page = client.get(known["Location"]), HttpClient().get(unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    assert known_page.content == unknown_page.content
    assert "If we have bookings under the address you typed" in known_page.content.decode()
    # Only the known address is emailed, and the email names nobody.
    assert [m.to for m in mail.outbox] == [["ruth@example.com"]]
    body = mail.outbox[0].body
    assert "/my/sign-in/" in body and "works once, until Monday, December 7, 2026 at 8:30" in body
    assert "Ruth" not in body and "Leo" not in body
    assert SignInLink.objects.count() == 1


def test_an_invalid_address_is_asked_again(client, family):
    response = client.post(MY, {"email": "not an address"})
    assert response.status_code == 400
    assert "Please enter a valid email address" in response.content.decode()
    assert not mail.outbox


def test_only_a_hash_of_the_links_secret_is_stored(
    client, family, django_capture_on_commit_callbacks
):
    ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    token = emailed_link().split("/")[-2]
    secret = token.split(":")[0]
    (stored,) = SignInLink.objects.values_list("secret_hash", flat=True)
    assert secret not in stored and token not in stored and len(stored) == 64


def test_an_address_holds_at_most_three_open_links(
    client, family, settings, django_capture_on_commit_callbacks
):
    for _ in range(5):
        ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


def test_asking_for_links_is_rate_limited_with_a_friendly_page(
    client, family, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in": (2, 60)}
    statuses = [
        ask(client, f"someone{n}@example.com", django_capture_on_commit_callbacks).status_code
        for n in range(2)
    ]
    limited = ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    assert statuses == [302, 302]
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    page = limited.content.decode()
    assert "Please wait a moment" in page and "try again in about 60 seconds" in page
    assert not mail.outbox
    # Reading the page is not limited.
    assert client.get(MY).status_code == 200


# --- The link -------------------------------------------------------------------------------


def test_opening_the_link_shows_a_sign_in_button_and_changes_nothing(
    client, family, django_capture_on_commit_callbacks
):
    ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    link = emailed_link()
    for _ in range(2):  # a mail scanner, then the client
        page = client.get(link)
        assert page.status_code == 200
        text = page.content.decode()
        assert '<form method="post">' in text and ">Sign in</button>" in text
        assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert SignInLink.objects.get().used_at is None
    assert "Email me a sign-in link" in client.get(MY).content.decode()


def test_signing_in_lists_every_person_under_the_email_with_their_links(
    client, family, django_capture_on_commit_callbacks
):
    page = sign_in(client, django_capture_on_commit_callbacks)
    text = page.content.decode()
    assert page.redirect_chain[-1][0] == MY
    assert "You are signed in" in text
    for person in ["Ruth Andersen", "Leo Andersen"]:
        assert f">{person}</h2>" in text
    for booking in [family.ruth_next, family.ruth_past, family.leo_next]:
        assert booking.reference in text and booking.manage_path() in text
    assert text.index(">Ruth Andersen</h2>") < text.index(family.ruth_past.reference)
    assert "Past" in text
    # Resend only for upcoming sessions: Ruth's and Leo's next ones.
    assert text.count("/resend/") == 2
    assert f"/my/bookings/{family.ruth_past.reference}/resend/" not in text
    # Nobody else's.
    assert "Dan Okafor" not in text and family.dan_next.reference not in text
    # From any of them, booking again (or a care plan) with the same therapist is one tap.
    again = f"/book/{family.ruth_past.service.slug}/?therapist={family.ruth_past.therapist.slug}"
    assert again in text


def test_a_link_signs_in_once(client, family, django_capture_on_commit_callbacks):
    ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    link = emailed_link()
    assert client.post(link).status_code == 302
    other = HttpClient()
    again = other.post(link)
    assert again.status_code == 410
    assert "This sign-in link has been used" in again.content.decode()
    assert "Email me a new sign-in link" in again.content.decode()
    assert other.get(link).status_code == 410
    assert "Leo Andersen" not in other.get(MY).content.decode()


@pytest.mark.parametrize(
    ("minutes", "works"), [(29, True), (30, False), (31, False), (60 * 24, False)]
)
def test_a_link_works_for_thirty_minutes(
    client, family, django_capture_on_commit_callbacks, minutes, works
):
    ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    link = emailed_link()
    with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
        opened, pressed = client.get(link), client.post(link)
    if works:
        assert (opened.status_code, pressed.status_code) == (200, 302)
    else:
        assert opened.status_code == pressed.status_code == 410
        assert "This sign-in link has expired" in pressed.content.decode()
        assert SignInLink.objects.filter(used_at__isnull=False).count() == 0


def tampered(token: str) -> list[str]:
    secret, stamp, signature = token.split(":")
    flip = "A" if signature[-1] != "A" else "B"
    return [
        f"{secret}:{stamp}:{signature[:-1]}{flip}",  # signature changed
        f"{secret[:-1]}x:{stamp}:{signature}",  # secret changed
        f"{secret}:{stamp}",  # cut short
        "not-a-link-at-all",
        signing.TimestampSigner(salt="another.purpose").sign(secret),  # signed for else
        signing.TimestampSigner(salt=SALT).sign("a-secret-we-never-issued"),  # no such link
        "x" * 300,
    ]


def test_wrong_or_tampered_links_get_a_friendly_page(
    client, family, django_capture_on_commit_callbacks
):
    ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    token = emailed_link().split("/")[-2]
    for bad in tampered(token):
        for response in [client.get(f"/my/sign-in/{bad}/"), client.post(f"/my/sign-in/{bad}/")]:
            assert response.status_code == 400, bad
            text = response.content.decode()
            assert "This sign-in link does not work" in text
            assert "Email me a new sign-in link" in text
    assert "Email me a sign-in link" in client.get(MY).content.decode()
    # The real link still works.
    assert client.post(emailed_link()).status_code == 302


# --- The session ------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client, family, django_capture_on_commit_callbacks):
    before = client.session
    before["visited"] = True
    before.save()
    sign_in(client, django_capture_on_commit_callbacks)
    assert client.session.session_key != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()
    assert client.session["my_bookings_email"] == "ruth@example.com"


@pytest.mark.parametrize(("hours", "signed_in"), [(23, True), (24, False), (25, False)])
def test_the_session_lasts_a_day(
    client, family, django_capture_on_commit_callbacks, hours, signed_in
):
    sign_in(client, django_capture_on_commit_callbacks)
    with time_machine.travel(NOW + timedelta(hours=hours), tick=False):
        page = client.get(MY).content.decode()
    assert ("Leo Andersen" in page) is signed_in
    assert ("Email me a sign-in link" in page) is not signed_in


def test_signing_out(client, family, django_capture_on_commit_callbacks):
    sign_in(client, django_capture_on_commit_callbacks)
    assert client.get("/my/sign-out/").status_code == 405
    response = client.post("/my/sign-out/", follow=True)
    text = response.content.decode()
    assert "You are signed out" in text and "Leo Andersen" not in text
    assert "Email me a sign-in link" in text


# --- Resending a confirmation ---------------------------------------------------------------


def resend(client, booking, capture):
    with capture(execute=True):
        return client.post(f"/my/bookings/{booking.reference}/resend/", follow=True)


def test_resend_emails_the_confirmation_with_its_calendar_file(
    client, family, django_capture_on_commit_callbacks
):
    sign_in(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    page = resend(client, family.leo_next, django_capture_on_commit_callbacks)
    assert f"The confirmation of {family.leo_next.reference} is on its way to you again" in (
        page.content.decode()
    )
    (message,) = mail.outbox
    assert message.to == ["ruth@example.com"]
    assert "Hello Leo Andersen" in message.body and family.leo_next.reference in message.body
    assert [name for name, _content, _type in message.attachments] == ["booking.ics"]
    assert BookingChange.objects.filter(
        booking=family.leo_next, actor="client", action__startswith="Confirmation resent"
    ).exists()


def test_resend_is_for_upcoming_bookings_under_the_email_only(
    client, family, django_capture_on_commit_callbacks
):
    sign_in(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    page = resend(client, family.ruth_past, django_capture_on_commit_callbacks)
    assert "Only upcoming bookings have a confirmation to resend" in page.content.decode()
    other = client.post(f"/my/bookings/{family.dan_next.reference}/resend/")
    assert other.status_code == 404
    assert client.get(f"/my/bookings/{family.ruth_next.reference}/resend/").status_code == 405
    assert not mail.outbox


def test_resend_needs_signing_in(client, family, django_capture_on_commit_callbacks):
    response = resend(client, family.ruth_next, django_capture_on_commit_callbacks)
    assert response.redirect_chain == [(MY, 302)]
    assert "Please sign in to see your bookings" in response.content.decode()
    assert not mail.outbox


def test_resend_is_rate_limited(client, family, settings, django_capture_on_commit_callbacks):
    sign_in(client, django_capture_on_commit_callbacks)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": (1, 60)}
    mail.outbox.clear()
    resend(client, family.ruth_next, django_capture_on_commit_callbacks)
    limited = client.post(f"/my/bookings/{family.ruth_next.reference}/resend/")
    assert limited.status_code == 429 and "Please wait a moment" in limited.content.decode()
    assert len(mail.outbox) == 1


# --- Links to My bookings, and logs -----------------------------------------------------------


def test_my_bookings_is_linked_from_every_page_the_manage_page_and_emails(
    client, family, service, therapist, django_capture_on_commit_callbacks
):
    from bookings import services

    assert 'href="/my/"' in client.get("/services/").content.decode()
    assert 'href="/my/"' in client.get(family.ruth_next.manage_path()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(
            service=service,
            therapist=therapist,
            start=local("2026-12-11", "10:00"),
            name="Ruth Andersen",
            email="ruth@example.com",
            phone="(406) 555-0147",
            now=NOW,
        )
    confirmation = next(m for m in mail.outbox if m.to == ["ruth@example.com"])
    assert "/my/" in confirmation.body
    assert "/my/" in confirmation.alternatives[0][0]


def test_sign_in_links_are_redacted_from_logs(client, family, django_capture_on_commit_callbacks):
    ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    link = emailed_link()
    line = f'"POST {link} HTTP/1.1" 302'
    assert redact(line) == '"POST /my/sign-in/[redacted]/ HTTP/1.1" 302'
    assert urlparse(link).path.split("/")[-2] not in redact(line)


def test_signing_in_needs_the_pages_csrf_token(client, family, django_capture_on_commit_callbacks):
    ask(client, "ruth@example.com", django_capture_on_commit_callbacks)
    forged = HttpClient(enforce_csrf_checks=True).post(emailed_link())
    assert forged.status_code == 403
    assert SignInLink.objects.get().used_at is None
