"""Anyone may book under a name and email they know, and is handed the booking's link at
once: that link shows only what was filled in through it. The person's earlier forms show
only through the link in the booking's emails, which reaches their mailbox."""

import json
import re

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from care import links
from care import questions as q
from care.models import Intake, IntakeAccess, IntakeReview
from care.services import health_form
from tests.care.support import SECRETS, fill_in, post_step, step_url, text, visible_text
from tests.factories import NOW, local

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


def test_an_update_begun_from_the_email_shows_nothing_more_through_the_bare_link(
    client, clinic, lookalike
):
    key = {"k": links.mailbox_key(lookalike)}
    post_step(client, lookalike, "about", key=key)  # the person updates, from the email
    assert "Swimming laps" in text(client.get(step_url(lookalike, "pain"), key))
    # Whoever booked, with the link they were handed, sees the step sent through it and no
    # other answer of the person's, not even in a field's value.
    seen = every_page(client, lookalike)
    seen += "".join(text(client.get(step_url(lookalike, step))) for step in q.STEP_NAMES[1:])
    for secret in SECRETS[1:]:  # the first is the "about" step's
        assert secret not in seen


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
    fill_in(client, lookalike)
    assert Intake.objects.submitted().filter(client=clinic.ruth).count() == 2
    assert health_form(lookalike).state == "received"  # the staff see the latest form
    assert "Your health form: received" in visible_text(client.get(lookalike.manage_path()))


# --- My bookings, the data export and erasure (bookings.privacy) ------------------------------

LINK = re.compile(r"https?://[^\s\"']+(/my/sign-in/[^\s\"'/]+/)")


@pytest.fixture
def signed_in(client, clinic, ruths_form, django_capture_on_commit_callbacks):
    """Ruth, signed in to My bookings with the link emailed to ruth@example.com."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/my/", {"email": "ruth@example.com"})
    message = [m for m in mail.outbox if m.to == ["ruth@example.com"]][-1]
    assert client.post(LINK.search(message.body).group(1)).status_code == 302
    mail.outbox.clear()
    return client


def test_my_bookings_leads_to_the_persons_form(signed_in, clinic):
    page = text(signed_in.get("/my/"))
    key = links.mailbox_key(clinic.ruth_next)
    assert "Health form: needs review" in page
    assert links.form_path(clinic.ruth_next, key=key).replace("&", "&amp;") in page.replace(
        "&", "&amp;"
    )
    start = visible_text(signed_in.get(links.form_path(clinic.ruth_next, key=key)))
    assert "We have your form: needs review" in start


def test_the_data_export_holds_the_health_forms_with_staff_as_a_role(signed_in, clinic):
    reader = HttpClient()
    reader.force_login(clinic.maren_user)
    intake = Intake.objects.get()
    reader.get(reverse("admin:care_intake_change", args=[intake.pk]))

    exported = json.loads(signed_in.get("/my/data.json").content)
    (ruth,) = exported["people"]
    (form,) = ruth["health_forms"]
    assert form["answers"]["history"]["medications"] == "Albuterol inhaler"
    assert form["flags"] == ["Takes blood thinners"]
    assert form["consent_version"] == 1 and form["consent_text"].startswith("I ask for massage")
    assert len(form["read_by_staff"]) == 1
    assert "maren" not in json.dumps(form).lower()  # staff appear as a role only
    page = visible_text(signed_in.get("/my/data/"))
    assert "Health forms" in page and "Health form sent" in page and "Takes blood thinners" in page


def test_every_field_of_a_form_is_exported_or_left_out_on_purpose():
    from care.privacy import INTAKE_NOT_EXPORTED

    fields = {f.name for f in Intake._meta.concrete_fields}
    exported = {"status", "created_at", "submitted_at", "form_version", "consent", "answers"}
    assert fields == exported | {"flags"} | set(INTAKE_NOT_EXPORTED)


def test_erasure_removes_the_forms_and_keeps_only_anonymous_reads(signed_in, clinic):
    from bookings import privacy

    reader = HttpClient()
    reader.force_login(clinic.maren_user)
    reader.get(reverse("admin:care_intake_change", args=[Intake.objects.get().pk]))
    post_step(signed_in, clinic.ruth_next, "about")  # a draft too

    erasure = privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    privacy.privacy_erase(erasure=erasure, by=clinic.owner, now=NOW)

    assert not Intake.objects.exists() and not IntakeReview.objects.exists()
    (read,) = IntakeAccess.objects.all()
    assert read.intake is None and read.user == clinic.maren_user
    assert health_form(clinic.ruth_next).state == "missing"
