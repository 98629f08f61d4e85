"""SOAP notes: drafts without JavaScript, signing locks them, addenda keep the original,
tampered POSTs change nothing; access as for the health form; unsigned notes listed."""

import logging

import pytest
import time_machine

from bookings.models import Booking
from care.models import IntakeAccess, NoteAddendum, Outcome, TreatmentNote
from care.note_templates import NECK_SHOULDER, SCIATICA
from tests.care.notes_support import (
    NOTE,
    NOTE_SECRETS,
    completed_session,
    note_url,
    post_note,
)
from tests.care.support import text
from tests.factories import NOW, local, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(clinic):
    return completed_session(clinic)


def signed(client, clinic, session):
    client.force_login(clinic.maren_user)
    response = post_note(client, session, action="sign")
    assert response.status_code == 302, text(response)[:2000]
    return TreatmentNote.objects.get(booking=session)


def test_a_draft_is_saved_by_a_plain_post_and_shown_again(client, clinic, session):
    client.force_login(clinic.maren_user)
    page = text(client.get(note_url(session)))
    assert "Save draft" in page and "Sign" in page
    assert str(SCIATICA.objective) in page  # the sciatica template's prompt
    assert post_note(client, session).status_code == 302
    note = TreatmentNote.objects.get(booking=session)
    assert not note.locked and note.subjective == NOTE["subjective"]
    assert note.template == "sciatica" and list(note.techniques) == NOTE["techniques"]
    again = text(client.get(note_url(session)))
    assert NOTE["subjective"] in again and "Draft" in again
    pain = Outcome.objects.get(booking=session, measure=Outcome.Measure.PAIN_AFTER)
    assert pain.value["score"] == 3 and pain.at == NOW


def test_each_treatment_has_its_template(client, clinic):
    neck = make_service(slug="neck-60", name="Neck and shoulder", kind="neck_shoulder")
    clinic.maren.services.add(neck)
    booking = completed_session(clinic)
    booking.service = neck
    booking.save()
    client.force_login(clinic.maren_user)
    page = text(client.get(note_url(booking)))
    assert str(NECK_SHOULDER.objective) in page and str(SCIATICA.objective) not in page


def test_signing_locks_the_note_with_name_and_time(client, clinic, session):
    note = signed(client, clinic, session)
    assert note.signed_at == NOW and note.signed_name == clinic.maren.name
    page = text(client.get(note_url(session)))
    assert f"Signed by {clinic.maren.name}" in page and "Mon Dec 7, 2026, 8:00 AM" in page
    assert 'name="subjective"' not in page  # no form any more


@pytest.mark.parametrize("action", ["save", "sign", "anything"])
def test_a_tampered_post_cannot_change_a_signed_note(client, clinic, session, action):
    note = signed(client, clinic, session)
    response = post_note(client, session, action=action, subjective="Rewritten", pain_after="9")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.subjective == NOTE["subjective"] and note.signed_at == NOW
    pain = Outcome.objects.get(booking=session, measure=Outcome.Measure.PAIN_AFTER)
    assert pain.value["score"] == 3
    # The owner, who may write notes, cannot either.
    client.force_login(clinic.owner)
    post_note(client, session, action="save", subjective="Owner's version")
    note.refresh_from_db()
    assert note.subjective == NOTE["subjective"]


def test_an_addendum_keeps_the_original_and_history_shows_both(client, clinic, session):
    signed(client, clinic, session)
    with time_machine.travel(local("2026-12-08", "09:30"), tick=False):
        response = client.post(
            note_url(session), {"action": "addendum", "text": "Client called: calf fine now."}
        )
    assert response.status_code == 302
    page = text(client.get(note_url(session)))
    assert NOTE["subjective"] in page and "Client called: calf fine now." in page
    assert "Tue Dec 8, 2026, 9:30 AM" in page
    addendum = NoteAddendum.objects.get()
    assert addendum.author == clinic.maren_user and addendum.author_name == clinic.maren.name


def test_only_the_signer_adds_addenda(client, clinic, session):
    signed(client, clinic, session)
    client.force_login(clinic.owner)
    response = client.post(note_url(session), {"action": "addendum", "text": "Not mine"})
    assert response.status_code == 404
    assert not NoteAddendum.objects.exists()


def test_an_empty_addendum_is_refused_with_a_message(client, clinic, session):
    signed(client, clinic, session)
    response = client.post(note_url(session), {"action": "addendum", "text": ""})
    assert response.status_code == 400 and "Please write the addendum." in text(response)


def test_a_therapist_who_never_treated_the_person_gets_404(client, clinic, session):
    signed(client, clinic, session)
    client.force_login(clinic.luis_user)
    assert client.get(note_url(session)).status_code == 404
    assert post_note(client, session, subjective="Luis").status_code == 404
    assert client.get("/admin/care/treatmentnote/").status_code == 200
    assert NOTE["subjective"] not in text(client.get("/admin/care/treatmentnote/"))


def test_a_therapist_who_treats_the_person_reads_but_does_not_write(client, clinic, session):
    signed(client, clinic, session)
    from tests.factories import make_booking

    make_booking(
        therapist=clinic.hannah,
        service=clinic.sciatica,
        client=clinic.ruth,
        start=local("2026-12-10", "10:00"),
    )
    client.force_login(clinic.hannah_user)
    page = text(client.get(note_url(session)))
    assert NOTE["subjective"] in page and "Add addendum" not in page


def test_every_read_is_logged_and_the_owner_reads(client, clinic, session):
    note = signed(client, clinic, session)
    client.get(note_url(session))
    client.force_login(clinic.owner)
    assert NOTE["subjective"] in text(client.get(note_url(session)))
    reads = IntakeAccess.objects.filter(note=note)
    assert sorted(r.user.username for r in reads) == ["maren", "owner"]
    log = text(client.get("/admin/care/intakeaccess/"))
    assert "Treatment note" in log and "Ruth Andersen" in log
    assert NOTE["subjective"] not in log


def test_the_front_desk_sees_the_state_never_the_text(client, clinic, session):
    signed(client, clinic, session)
    client.force_login(clinic.desk)
    page = text(client.get(f"/admin/bookings/booking/{session.pk}/change/"))
    assert f"Signed by {clinic.maren.name}" in page
    for secret in [*NOTE_SECRETS, NOTE["home_care"]]:
        assert secret not in page
    assert client.get(note_url(session)).status_code == 404
    assert client.get("/admin/care/treatmentnote/").status_code in {302, 403}


def test_the_booking_page_and_agenda_link_to_the_note(client, clinic, session):
    client.force_login(clinic.maren_user)
    page = text(client.get(f"/admin/bookings/booking/{session.pk}/change/"))
    assert "Write the treatment note" in page and note_url(session) in page
    agenda = text(client.get("/admin/bookings/booking/agenda/?date=2026-12-04"))
    assert note_url(session) in agenda


def test_unsigned_notes_of_completed_sessions_are_listed_after_48_hours(client, clinic):
    old = completed_session(clinic, day="2026-12-02")
    recent = completed_session(clinic, day="2026-12-06")
    hannahs = completed_session(
        clinic, client=clinic.dan, therapist=clinic.hannah, day="2026-12-01"
    )
    done = completed_session(clinic, day="2026-12-03")
    client.force_login(clinic.maren_user)
    post_note(client, done, action="sign")
    post_note(client, old)  # a draft is not enough
    page = text(client.get("/admin/care/unsignedsession/"))
    assert old.reference in page
    assert recent.reference not in page and done.reference not in page
    assert hannahs.reference not in page  # another therapist's
    client.force_login(clinic.owner)
    page = text(client.get("/admin/care/unsignedsession/"))
    assert old.reference in page and hannahs.reference in page
    client.force_login(clinic.desk)
    assert client.get("/admin/care/unsignedsession/").status_code in {302, 403}


def test_the_function_measure_is_asked_at_the_first_visit_and_every_third(client, clinic):
    sessions = [completed_session(clinic, day=f"2026-11-{d:02d}") for d in (2, 9, 16, 23)]
    client.force_login(clinic.maren_user)
    asked = ["activity_1" in text(client.get(note_url(s))) for s in sessions]
    assert asked == [True, False, False, True]
    post_note(client, sessions[0], activity_1="Sitting through a workday", activity_1_score="3")
    # The fourth visit rates the same activities again.
    assert 'value="Sitting through a workday"' in text(client.get(note_url(sessions[3])))
    unrated = post_note(client, sessions[3], activity_1="Driving")
    assert unrated.status_code == 400 and "Please rate this activity." in text(unrated)


def test_no_note_text_in_logs(client, clinic, session, caplog):
    with caplog.at_level(logging.DEBUG):
        signed(client, clinic, session)
        client.get(note_url(session))
        client.post(note_url(session), {"action": "addendum", "text": "Secret addendum text"})
    logged = caplog.text
    for secret in [*NOTE_SECRETS, NOTE["home_care"], "Secret addendum text"]:
        assert secret not in logged


def test_cancelled_sessions_get_no_note_link_in_the_agenda(client, clinic):
    booking = completed_session(clinic)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    client.force_login(clinic.maren_user)
    agenda = text(client.get("/admin/bookings/booking/agenda/?date=2026-12-04"))
    assert note_url(booking) not in agenda


# --- Which sessions take a note -----------------------------------------------------------------


@pytest.mark.parametrize(
    "status, day, why",
    [
        (Booking.Status.CANCELLED, "2026-12-04", "was cancelled"),
        (Booking.Status.NO_SHOW, "2026-12-04", "did not come"),
        (Booking.Status.CONFIRMED, "2026-12-09", "once the session has begun"),
    ],
)
def test_no_note_for_a_session_cancelled_missed_or_still_to_come(client, clinic, status, day, why):
    booking = completed_session(clinic, day=day, at="15:00")
    Booking.objects.filter(pk=booking.pk).update(status=status)
    client.force_login(clinic.maren_user)
    page = text(client.get(note_url(booking)))
    assert why in page and "Sign" not in page
    response = post_note(client, booking, action="sign")
    assert response.status_code == 302
    assert why in text(client.get(response["Location"]))
    assert not TreatmentNote.objects.exists() and not Outcome.objects.exists()


def test_signing_a_begun_session_marks_it_completed_and_it_cannot_be_marked_no_show(client, clinic):
    booking = completed_session(clinic)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    client.force_login(clinic.maren_user)
    assert post_note(client, booking, action="sign").status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    client.force_login(clinic.desk)
    response = client.post(
        "/admin/bookings/booking/",
        {"action": "mark_no_show", "_selected_action": [booking.pk]},
        follow=True,
    )
    assert "has a signed treatment note" in text(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED


def test_a_note_is_signed_only_with_its_essentials_and_a_draft_keeps_what_was_typed(
    client, clinic, session
):
    client.force_login(clinic.maren_user)
    response = post_note(client, session, action="sign", subjective="  ", techniques=None)
    assert response.status_code == 400
    page = text(response)
    assert page.count("Please fill this in before signing") == 2
    assert NOTE["objective"] in page  # what was typed is still there
    assert not TreatmentNote.objects.filter(signed_at__isnull=False).exists()
    assert post_note(client, session, subjective="", techniques=None).status_code == 302
    assert not TreatmentNote.objects.get(booking=session).locked
