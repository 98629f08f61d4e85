"""Pain before a session (booking page, reminder link), progress as SVG with the same figures
as its table, each client seeing only their own people; the owner's outcomes; the client's
data export and erasure."""

import json
import re

import pytest
from django.core import mail

from bookings import notifications
from bookings.models import Booking, ErasureRequest
from bookings.privacy import privacy_erase
from bookings.views.my import SESSION_EMAIL, SESSION_SINCE
from care import progress
from care.models import IntakeAccess, Outcome, TreatmentNote
from tests.care.notes_support import NOTE, NOTE_SECRETS, completed_session, note_url, post_note
from tests.care.support import text
from tests.factories import NOW, make_client

pytestmark = pytest.mark.django_db


def record(booking, measure, value):
    return Outcome.objects.create(
        client=booking.client, booking=booking, measure=measure, value=value, at=NOW
    )


@pytest.fixture
def four_sessions(clinic):
    sessions = [completed_session(clinic, day=f"2026-11-{d:02d}") for d in (2, 9, 16, 23)]
    for booking, pain, function in zip(sessions, [7, 6, 4, 3], [3, None, None, 6], strict=True):
        record(booking, Outcome.Measure.PAIN_BEFORE, {"score": pain})
        if function is not None:
            record(
                booking,
                Outcome.Measure.FUNCTION,
                {"activities": [{"name": "Sitting through a workday", "score": function}]},
            )
    return sessions


def sign_in(client, email):
    session = client.session
    session[SESSION_EMAIL] = email
    session[SESSION_SINCE] = NOW.isoformat()
    session.save()


def test_pain_before_on_the_booking_page_is_one_tap_and_a_get_changes_nothing(client, clinic):
    booking = clinic.ruth_next
    page = text(client.get(booking.manage_path()))
    assert "How is your pain right now?" in page and page.count('name="score"') == 11
    url = f"/bookings/{booking.token}/pain/"
    client.get(url)
    assert not Outcome.objects.exists()
    response = client.post(url, {"score": "6", "back": "manage"})
    assert response.status_code == 302 and response.url == booking.manage_path()
    client.post(url, {"score": "5"})
    outcome = Outcome.objects.get(booking=booking)
    assert outcome.measure == "pain_before" and outcome.value["score"] == 5 and outcome.at == NOW
    assert "You told us 5 out of 10" in text(client.get(booking.manage_path()))


def test_the_reminder_links_to_the_pain_question(clinic, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.booking_reminder(clinic.ruth_next)
    assert f"/bookings/{clinic.ruth_next.token}/pain/" in mail.outbox[0].body


def test_no_pain_question_once_the_session_started(client, clinic):
    booking = completed_session(clinic)
    assert "How is your pain right now?" not in text(client.get(booking.manage_path()))
    client.post(f"/bookings/{booking.token}/pain/", {"score": "4"})
    assert not Outcome.objects.exists()


def test_the_svg_holds_the_tables_figures(clinic, four_sessions):
    rows = progress.progress_rows(clinic.ruth)
    assert [r.pain for r in rows] == [7, 6, 4, 3]
    assert [r.function for r in rows] == [3, None, None, 6]
    chart = progress.chart(rows)
    assert len(chart.lines["pain"]["points"]) == 4 and len(chart.lines["function"]["points"]) == 2


def test_progress_counts_only_sessions_that_took_place(clinic, four_sessions):
    later = completed_session(clinic, day="2026-11-30")
    record(later, Outcome.Measure.PAIN_BEFORE, {"score": 9})
    for status in [Booking.Status.CANCELLED, Booking.Status.NO_SHOW, Booking.Status.CONFIRMED]:
        Booking.objects.filter(pk=later.pk).update(status=status)
        rows = progress.progress_rows(clinic.ruth)
        assert [row.pain for row in rows] == [7, 6, 4, 3]


def test_my_progress_shows_only_the_people_under_the_signed_in_email(client, clinic, four_sessions):
    stranger = make_client(name="Olga Stranger", email="olga@example.com")
    other = completed_session(clinic, client=stranger)
    record(other, Outcome.Measure.PAIN_BEFORE, {"score": 9})
    sign_in(client, "ruth@example.com")
    assert "My progress" in text(client.get("/my/"))
    page = text(client.get("/my/progress/"))
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    table = re.search(r"<table.*?</table>", page, re.S).group(0)
    assert "<title" in svg and "<desc" in svg and 'role="img"' in svg
    values = re.findall(r'class="progress-dot progress-pain" data-value="([\d.]+)"', svg)
    assert values == ["7", "6", "4", "3"]
    assert re.findall(r'data-value="([\d.]+)"', svg.split("progress-function", 1)[1]) == ["3", "6"]
    for figure in ["7", "6", "4", "3"]:
        assert f"<td>{figure}</td>" in table
    assert "Olga Stranger" not in page and 'data-value="9"' not in page


def test_my_progress_table_scrolls_in_its_own_labelled_box_not_the_page(
    client, clinic, four_sessions
):
    """On a phone the six columns may be wider than the screen: the table then scrolls
    sideways in a box of its own, named by its caption and reachable by keyboard."""
    sign_in(client, "ruth@example.com")
    page = text(client.get("/my/progress/"))
    box = re.search(r'<div class="table-responsive[^"]*"([^>]*)>\s*<table', page)
    assert box, "the table is not in a scrolling box"
    attributes = box.group(1)
    assert 'role="region"' in attributes and 'tabindex="0"' in attributes
    label = re.search(r'aria-labelledby="([^"]+)"', attributes).group(1)
    assert re.search(rf'<caption id="{label}">The same figures</caption>', page)
    assert re.search(r'<svg viewBox="0 0 \d+ \d+"[^>]*class="progress-svg"', page)
    assert not re.search(r"<svg[^>]* width=", page)  # sized by the page, not in pixels


def test_my_progress_needs_signing_in(client):
    assert client.get("/my/progress/").status_code == 302


def test_the_therapist_sees_the_clients_progress_others_get_404(client, clinic, four_sessions):
    url = f"/admin/care/treatmentnote/progress/{clinic.ruth.pk}/"
    client.force_login(clinic.maren_user)
    assert 'data-value="7"' in text(client.get(url))
    client.force_login(clinic.luis_user)
    assert client.get(url).status_code == 404
    client.force_login(clinic.desk)
    assert client.get(url).status_code == 404


def test_every_look_at_a_persons_scores_is_in_the_owners_read_log(client, clinic, four_sessions):
    client.force_login(clinic.maren_user)
    client.get(f"/admin/care/treatmentnote/progress/{clinic.ruth.pk}/")
    client.get(note_url(four_sessions[0]))  # no note yet: the page shows the session's pain
    reads = IntakeAccess.objects.order_by("pk")
    assert [(r.user, r.client, r.booking) for r in reads] == [
        (clinic.maren_user, clinic.ruth, None),
        (clinic.maren_user, clinic.ruth, four_sessions[0]),
    ]
    client.force_login(clinic.owner)
    log = text(client.get("/admin/care/intakeaccess/"))
    assert log.count("Pain and function scores") == 2 and "Ruth Andersen" in log


def test_the_export_says_when_staff_read_the_scores_and_erasure_unnames_the_reads(
    client, clinic, four_sessions
):
    client.force_login(clinic.maren_user)
    client.get(f"/admin/care/treatmentnote/progress/{clinic.ruth.pk}/")
    client.logout()
    sign_in(client, "ruth@example.com")
    (ruth,) = json.loads(client.get("/my/data.json").content)["people"]
    assert len(ruth["treatment_notes"]["scores_read_by_staff"]) == 1
    erasure = ErasureRequest.objects.create(email="ruth@example.com", requested_at=NOW)
    privacy_erase(erasure=erasure, by=clinic.owner, now=NOW)
    (read,) = IntakeAccess.objects.all()
    assert read.client is None and read.user == clinic.maren_user


def test_the_owner_sees_outcomes_per_service_and_unsigned_per_therapist(
    client, clinic, four_sessions
):
    dan = [
        completed_session(clinic, client=clinic.dan, day=f"2026-11-{d:02d}")
        for d in (3, 10, 17, 24)
    ]
    for booking, pain in zip(dan, [8, 8, 7, 4], strict=True):
        record(booking, Outcome.Measure.PAIN_BEFORE, {"score": pain})
    (result,) = progress.outcomes_by_service()
    assert result.clients == 2 and result.pain_change == -4.0 and result.function_change == 3.0
    client.force_login(clinic.owner)
    page = text(client.get("/admin/care/treatmentnote/outcomes/"))
    assert "Sciatica relief massage" in page and "-4.0" in page and "<svg" in page
    assert "Maren Ostby" in page  # eight unsigned notes
    client.force_login(clinic.maren_user)
    assert client.get("/admin/care/treatmentnote/outcomes/").status_code == 404


def test_the_export_holds_notes_and_outcomes_and_erasure_removes_them(client, clinic):
    booking = completed_session(clinic)
    client.force_login(clinic.maren_user)
    post_note(client, booking, action="sign")
    client.logout()
    sign_in(client, "ruth@example.com")
    data = json.loads(client.get("/my/data.json").content)
    (ruth,) = data["people"]
    (note,) = ruth["treatment_notes"]["notes"]
    assert note["subjective"] == NOTE["subjective"] and note["signed_by"] == clinic.maren.name
    assert ruth["treatment_notes"]["outcomes"][0]["value"] == {"score": 3}
    assert NOTE["objective"] in text(client.get("/my/data/"))
    erasure = ErasureRequest.objects.create(email="ruth@example.com", requested_at=NOW)
    privacy_erase(erasure=erasure, by=clinic.owner, now=NOW)
    assert not TreatmentNote.objects.exists() and not Outcome.objects.exists()


def test_no_note_text_in_the_bookings_csv_export(client, clinic):
    booking = completed_session(clinic)
    client.force_login(clinic.maren_user)
    post_note(client, booking, action="sign")
    client.force_login(clinic.owner)
    response = client.get(
        "/admin/bookings/booking/export/?start=2026-11-01&end=2026-12-31&format=csv"
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response["Content-Type"].startswith("text/csv") and booking.reference.encode() in content
    for secret in [*NOTE_SECRETS, NOTE["home_care"]]:
        assert secret.encode() not in content
