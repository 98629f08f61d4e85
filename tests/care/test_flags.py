"""Every red flag and contraindication puts the booking on "needs review", tells the client
the right thing at once, and is listed for the therapist, with its reason on the form."""

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Booking
from care import questions as q
from care.models import Intake, SessionIntake
from care.services import health_form
from tests.care.support import fill_in, post_step, step_url, text, visible_text

pytestmark = pytest.mark.django_db

REVIEW_LIST = reverse("admin:care_sessionintake_changelist")
URGENT = "Please get medical help now"
SEE_A_DOCTOR = "Please see a doctor before your massage"


def intake_page(client, booking):
    intake = Intake.objects.submitted().get(client=booking.client)
    url = reverse("admin:care_intake_change", args=[intake.pk]) + f"?booking={booking.pk}"
    return visible_text(client.get(url))


@pytest.mark.parametrize("flag", q.RED_FLAGS, ids=lambda f: f.code)
def test_a_red_flag_tells_the_client_at_once_and_needs_review(client, clinic, flag):
    booking = clinic.ruth_next
    for step in ["about", "pain", "history"]:
        post_step(client, booking, step)

    # The answer itself: the very next page says, in plain words, to see a doctor first.
    response = post_step(client, booking, "signs", **{flag.code: "yes"})
    page = visible_text(client.get(response["Location"]))
    assert (URGENT if flag.urgent else SEE_A_DOCTOR) in page
    assert (SEE_A_DOCTOR if flag.urgent else URGENT) not in page
    assert f"You told us that {flag.plain}." in page
    if flag.urgent:
        assert "emergency department" in page and "within hours" in page
    assert "Your booking stays in place" in page

    sent = fill_in(client, booking, **{f"signs__{flag.code}": "yes"})
    received = visible_text(client.get(sent["Location"]))
    assert "Your health form: needs review" in received
    assert (URGENT if flag.urgent else SEE_A_DOCTOR) in received
    assert health_form(booking).state == "needs_review"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # it keeps its slot

    client.force_login(clinic.maren_user)
    assert booking.reference in text(client.get(REVIEW_LIST + "?form=needs_review"))
    sheet = intake_page(client, booking)
    assert f"Red flag{', urgent' if flag.urgent else ''}: {flag.reason}" in sheet


@pytest.mark.parametrize("flag", q.CONTRAINDICATIONS, ids=lambda f: f.code)
def test_a_contraindication_needs_review_with_its_reason_for_the_therapist(client, clinic, flag):
    booking = clinic.ruth_next
    changes = {f"history__{flag.code}": "yes"}
    if flag.code == "pregnant":
        changes["history__trimester"] = "2"

    received = visible_text(client.get(fill_in(client, booking, **changes)["Location"]))

    assert "Your health form: needs review" in received
    assert "your therapist will read your form closely before your session" in received
    assert URGENT not in received and SEE_A_DOCTOR not in received
    assert health_form(booking).state == "needs_review"
    assert SessionIntake.objects.needing_review().filter(pk=booking.pk).exists()

    client.force_login(clinic.maren_user)
    listed = text(client.get(REVIEW_LIST))
    assert booking.reference in listed and "Needs review" in listed
    sheet = intake_page(client, booking)
    reason = str(flag.reason) + (" (second trimester)" if flag.code == "pregnant" else "")
    assert f"Contraindication: {reason}" in sheet
    # Flags first: before where it hurts and the rest.
    assert sheet.index("Contraindication:") < sheet.index("Where it hurts")


def test_the_therapist_is_emailed_that_a_form_needs_review_without_its_answers(
    client, clinic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fill_in(client, clinic.ruth_next, history__blood_clots="yes")
    (notice,) = [m for m in mail.outbox if m.to == ["maren@clinic.example"]]
    assert notice.subject.startswith("A health form needs your review before Wed Dec 9")
    assert clinic.ruth_next.reference in notice.body
    for body in (notice.body, notice.alternatives[0][0]):
        assert "clot" not in body.lower() and "DVT" not in body


def test_no_flags_means_received_and_nothing_to_review(client, clinic):
    fill_in(client, clinic.ruth_next)
    assert health_form(clinic.ruth_next).state == "received"
    assert not SessionIntake.objects.needing_review().exists()
    client.force_login(clinic.maren_user)
    assert "None: no red flag or contraindication" in intake_page(client, clinic.ruth_next)


def test_the_preferences_step_shows_the_advice_without_reloading_the_answers(client, clinic):
    post_step(client, clinic.ruth_next, "signs", saddle_numbness="yes")
    page = visible_text(client.get(step_url(clinic.ruth_next, "consent")))
    assert URGENT in page  # and on every later step until the form is sent
