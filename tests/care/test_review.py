"""The therapist's review: cleared, cleared with modifications, not suitable; the emails it
sends (never a health word), and the front desk's alert 24 hours before an unreviewed session."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from bookings.models import Booking
from care import questions as q
from care.models import Intake, IntakeReview, ReviewAlert
from care.services import health_form, review_alerts_send
from tests.care.support import SECRETS, fill_in, text, visible_text
from tests.factories import NOW, local, make_booking

pytestmark = pytest.mark.django_db

# Words that would tell a reader of an email something about the client's health.
HEALTH_WORDS = re.compile(
    r"clot|dvt|thromb|thinner|surgery|fracture|cancer|pregnan|trimester|fever|infection|skin|"
    r"blood pressure|osteopor|diabet|numb|injur|bladder|bowel|groin|weak|weight|fall|"
    r"red flag|contraindicat|condition|medicat|pain|doctor|symptom|diagnos",
    re.IGNORECASE,
)


@pytest.fixture
def flagged(client, clinic, django_capture_on_commit_callbacks):
    """Ruth's form with a contraindication (blood thinners) and a red flag (leg weakness)."""
    with django_capture_on_commit_callbacks(execute=True):
        fill_in(client, clinic.ruth_next, history__blood_thinners="yes", signs__leg_weakness="yes")
    mail.outbox.clear()
    client.logout()
    return Intake.objects.submitted().get(client=clinic.ruth)


def review_url(intake, booking):
    return reverse("admin:care_intake_change", args=[intake.pk]) + f"?booking={booking.pk}"


def review(client, intake, booking, outcome, note="", capture=None):
    with capture(execute=True):
        return client.post(review_url(intake, booking), {"outcome": outcome, "note": note})


def assert_no_health_words(message):
    for body in [message.subject, message.body, message.alternatives[0][0]]:
        found = HEALTH_WORDS.findall(re.sub(r"health form", "", body, flags=re.IGNORECASE))
        assert not found, (message.subject, found)
        for secret in SECRETS:
            assert secret not in body


def test_cleared_emails_the_client_kindly_and_shows_reviewed(
    client, clinic, flagged, django_capture_on_commit_callbacks
):
    client.force_login(clinic.maren_user)
    response = review(
        client, flagged, clinic.ruth_next, "cleared", capture=django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ruth@example.com"]
    assert message.subject == "Thank you: your therapist has read your form"
    assert "Maren Ostby has read it and looks forward to seeing you" in message.body
    assert_no_health_words(message)
    health = health_form(clinic.ruth_next)
    assert (health.state, health.outcome) == ("reviewed", "cleared")
    change = clinic.ruth_next.changes.get()
    assert (change.user, change.action) == (clinic.maren_user, "Health form reviewed: Cleared")
    assert "Your health form: reviewed" in visible_text(client.get(clinic.ruth_next.manage_path()))


def test_cleared_with_modifications_needs_a_note_the_therapist_sees_at_the_session(
    client, clinic, flagged, django_capture_on_commit_callbacks
):
    client.force_login(clinic.maren_user)
    missing = review(
        client, flagged, clinic.ruth_next, "modified", capture=django_capture_on_commit_callbacks
    )
    assert missing.status_code == 400
    assert "Please write the modifications" in text(missing)
    assert not IntakeReview.objects.exists() and not mail.outbox

    note = "No deep pressure on the calves; check bruising first."
    review(
        client,
        flagged,
        clinic.ruth_next,
        "modified",
        note=note,
        capture=django_capture_on_commit_callbacks,
    )
    (message,) = mail.outbox
    assert_no_health_words(message)
    assert "calves" not in message.body
    # At the session: the booking's form screen leads with the decision and its note.
    sheet = visible_text(client.get(review_url(flagged, clinic.ruth_next)))
    assert "Review: Cleared with modifications" in sheet and f"For the session: {note}" in sheet
    assert sheet.index(note) < sheet.index("Where it hurts")
    assert IntakeReview.objects.get().note == note


def test_not_suitable_emails_the_client_kindly_and_asks_the_front_desk_to_call(
    client, clinic, flagged, django_capture_on_commit_callbacks
):
    client.force_login(clinic.maren_user)
    review(
        client,
        flagged,
        clinic.ruth_next,
        "not_suitable",
        note="Needs her GP's advice first.",
        capture=django_capture_on_commit_callbacks,
    )

    to_client, to_desk = mail.outbox
    assert to_client.to == ["ruth@example.com"]
    assert to_client.subject == "About your session on Wed Dec 9, 10:00 AM MST"
    assert "we would like to talk with you" in to_client.body
    assert "One of our team will call you soon" in to_client.body
    assert "Your booking stays in place" in to_client.body
    assert_no_health_words(to_client)
    assert to_desk.to == ["frontdesk@rimrock.example"]
    assert (
        to_desk.subject == f"Please call Ruth Andersen about booking {clinic.ruth_next.reference}"
    )
    assert "(406) 555-0147" in to_desk.body
    assert "GP" not in to_desk.body and "thinner" not in to_desk.body.lower()
    # The booking keeps its slot; the front desk sees the outcome on the booking.
    clinic.ruth_next.refresh_from_db()
    assert clinic.ruth_next.status == Booking.Status.CONFIRMED
    client.force_login(clinic.desk)
    page = visible_text(
        client.get(reverse("admin:bookings_booking_change", args=[clinic.ruth_next.pk]))
    )
    assert "Reviewed: Not suitable" in page and "please call the client" in page


def test_the_front_desk_cannot_record_a_review(client, clinic, flagged):
    client.force_login(clinic.desk)
    response = client.post(review_url(flagged, clinic.ruth_next), {"outcome": "cleared"})
    assert response.status_code in {403, 404}
    assert not IntakeReview.objects.exists()


def test_a_later_review_replaces_the_outcome_and_both_are_kept(
    client, clinic, flagged, django_capture_on_commit_callbacks
):
    client.force_login(clinic.maren_user)
    capture = django_capture_on_commit_callbacks
    review(client, flagged, clinic.ruth_next, "not_suitable", capture=capture)
    client.force_login(clinic.owner)  # the owner may review too
    review(client, flagged, clinic.ruth_next, "cleared", capture=capture)
    assert health_form(clinic.ruth_next).outcome == "cleared"
    assert IntakeReview.objects.count() == 2


def test_unreviewed_sessions_alert_the_front_desk_24_hours_before_once(
    client, clinic, flagged, django_capture_on_commit_callbacks
):
    soon = local("2026-12-09", "10:00")

    def alerts(now):
        with django_capture_on_commit_callbacks(execute=True):
            return review_alerts_send(now=now)

    assert alerts(soon - timedelta(hours=25)) == 0
    assert not mail.outbox

    assert alerts(soon - timedelta(hours=23)) == 1
    (alert,) = mail.outbox
    assert alert.to == ["frontdesk@rimrock.example"]
    assert alert.subject == (
        f"Not reviewed yet: booking {clinic.ruth_next.reference}, Wed Dec 9, 10:00 AM MST"
    )
    assert "Maren Ostby" in alert.body
    assert_no_health_words(alert)
    assert "Ruth" not in alert.body  # the booking is named, not the person

    # Again, from another server or the next run: nothing more.
    assert alerts(soon - timedelta(hours=22)) == 0
    assert len(mail.outbox) == 1
    assert ReviewAlert.objects.get().booking == clinic.ruth_next


def test_the_alerts_are_a_periodic_job_of_the_workers(
    client, clinic, flagged, settings, django_capture_on_commit_callbacks
):
    from care.tasks import send_review_alerts

    path, seconds = settings.PERIODIC_JOBS["review-alerts"]
    assert path == "care.tasks.send_review_alerts" and seconds <= 900
    with (
        time_machine.travel(local("2026-12-08", "12:00"), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_review_alerts.enqueue()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Not reviewed yet"]


def test_reviewed_missing_and_received_forms_raise_no_alert(client, clinic, flagged):
    IntakeReview.objects.create(intake=flagged, outcome="cleared", by=clinic.maren_user, at=NOW)
    make_booking(
        therapist=clinic.hannah,
        service=clinic.sciatica,
        start=local("2026-12-08", "13:00"),
    )  # a client with no form at all
    assert review_alerts_send(now=local("2026-12-08", "09:00")) == 0


def test_a_cancelled_session_raises_no_alert(client, clinic, flagged):
    Booking.objects.filter(pk=clinic.ruth_next.pk).update(status=Booking.Status.CANCELLED)
    assert review_alerts_send(now=local("2026-12-08", "12:00")) == 0


def test_the_alert_command_can_run_from_cron(client, clinic, flagged, capsys):
    with time_machine.travel(local("2026-12-08", "12:00"), tick=False):
        call_command("care_review_alerts")
    assert ReviewAlert.objects.count() == 1
    assert "Review alerts sent: 1" in capsys.readouterr().out


def test_without_front_desk_logins_the_clinic_inbox_is_asked(
    client, clinic, flagged, django_capture_on_commit_callbacks
):
    clinic.desk.is_active = False
    clinic.desk.save()
    with django_capture_on_commit_callbacks(execute=True):
        review_alerts_send(now=local("2026-12-08", "12:00"))
    assert mail.outbox[0].to == ["hello@rimrockmassage.example"]


def test_the_review_list_shows_what_needs_doing_first(client, clinic, flagged):
    fill_in(client, Booking.objects.get(pk=clinic.dan_next.pk))  # Dan: received
    client.force_login(clinic.desk)
    page = text(client.get(reverse("admin:care_sessionintake_changelist")))
    assert page.index(clinic.ruth_next.reference) < page.index(clinic.dan_next.reference)
    assert "Needs review" in page and "Received" in page
    for code in ["blood_thinners", "leg_weakness"]:
        assert str(q.FLAGS[code].reason) not in page
