"""Anyone may book under a name and email they know, and is handed the booking's link at
once: that link shows only what was filled in through it. The person's earlier forms show
only through the link in the booking's emails, which reaches their mailbox."""

import pytest
from django.urls import reverse

from care import links
from care import questions as q
from care.models import Intake
from tests.care.support import SECRETS, fill_in, post_step, step_url, text, visible_text
from tests.factories import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruths_form(client, clinic):
    fill_in(client, clinic.ruth_next, history__blood_thinners="yes")
    client.logout()


@pytest.fixture
def lookalike(client, clinic, ruths_form):
    """Someone else books online as "Ruth Andersen", ruth@example.com."""
    response = client.post(
        reverse("bookings:confirm", args=[clinic.sciatica.slug])
        + f"?therapist=maren&start={local('2026-12-11', '10:00').isoformat()}",
        {
            "name": "Ruth Andersen",
            "email": "ruth@example.com",
            "phone": "(406) 555-0000",
            "accept_policy": "on",
        },
    )
    assert response.status_code == 302
    booking = clinic.ruth.bookings.order_by("-pk").first()
    assert booking.pk != clinic.ruth_next.pk and booking.client == clinic.ruth  # the same person
    return booking


def every_page(client, booking, **params) -> str:
    pages = [client.get(booking.manage_path())]
    pages += [client.get(reverse("care:start", args=[booking.token]), params)]
    pages += [client.get(step_url(booking, step), params) for step in q.STEP_NAMES]
    pages += [client.get(reverse("care:received", args=[booking.token]), params)]
    return "\n".join(visible_text(page) for page in pages)


def test_a_booking_under_someones_name_and_email_shows_nothing_of_their_form(client, lookalike):
    seen = every_page(client, lookalike)
    for secret in SECRETS:
        assert secret not in seen
    assert "Your health form: missing" in seen
    for state in ["received", "needs review", "reviewed"]:
        assert f"Your health form: {state}" not in seen
    assert "We have your form" not in seen and "Health form received" not in seen
    assert "Start my health form" in seen
    assert "For your privacy, this page shows only what is filled in through it." in seen


def test_a_wrong_key_is_no_key(client, lookalike):
    seen = every_page(client, lookalike, k="0" * 32)
    for secret in SECRETS:
        assert secret not in seen


def test_the_link_in_the_bookings_emails_shows_the_persons_form(client, clinic, lookalike):
    key = {"k": links.mailbox_key(lookalike)}
    start = visible_text(client.get(reverse("care:start", args=[lookalike.token]), key))
    assert "We have your form: needs review" in start
    pain = text(client.get(step_url(lookalike, "pain"), key))
    assert "Swimming laps" in pain  # ready to update
    # Its links keep the key, so the update goes on through the person's form.
    assert f"?k={key['k']}" in pain
    response = post_step(client, lookalike, "about", key=key)
    assert response["Location"] == step_url(lookalike, "pain") + f"?k={key['k']}"


def test_a_draft_belongs_to_the_booking_it_was_started_from(client, clinic, lookalike):
    post_step(client, clinic.ruth_next, "about", emergency_name="Ruth's sister Ingrid")
    assert "Ingrid" not in text(client.get(step_url(lookalike, "about")))
    post_step(client, lookalike, "about", emergency_name="Somebody Else")
    drafts = Intake.objects.drafts().order_by("pk")
    assert [d.booking for d in drafts] == [clinic.ruth_next, lookalike]
    assert "Ingrid" in text(client.get(step_url(clinic.ruth_next, "about")))


def test_a_form_sent_through_the_bare_link_is_the_persons_latest_for_the_clinic(
    client, clinic, lookalike
):
    from care.services import health_form

    fill_in(client, lookalike)
    assert Intake.objects.submitted().filter(client=clinic.ruth).count() == 2
    assert health_form(lookalike).state == "received"  # the staff see the latest form
    assert "Your health form: received" in visible_text(client.get(lookalike.manage_path()))
