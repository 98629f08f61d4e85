"""The clinical record in the back office: the one-screen form, the review list per role,
consent versions edited by the owner, the booking's health form box, and the demo."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from care.models import ConsentText, Intake, IntakeReview
from care.services import health_form
from tests.care.support import fill_in, text, visible_text
from tests.factories import local, make_booking

pytestmark = pytest.mark.django_db

REVIEWS = reverse("admin:care_sessionintake_changelist")
CONSENTS = reverse("admin:care_consenttext_changelist")


def booking_page(client, booking):
    return visible_text(client.get(reverse("admin:bookings_booking_change", args=[booking.pk])))


def test_the_form_reads_in_one_printable_screen_flags_first(client, clinic):
    fill_in(
        client,
        clinic.ruth_next,
        signs__bladder_bowel="yes",
        history__pregnant="yes",
        history__trimester="3",
    )
    intake = Intake.objects.get()
    client.force_login(clinic.maren_user)
    response = client.get(
        reverse("admin:care_intake_change", args=[intake.pk]) + f"?booking={clinic.ruth_next.pk}"
    )
    page = visible_text(response)
    order = [
        "Red flag, urgent: Recent loss of bladder or bowel control",
        "Contraindication: Pregnant (third trimester)",
        "Needs review before the session.",
        "Where it hurts",
        "Lower back, Left leg",
        "6 / 10",
        "Conditions and medications",
        "Albuterol inhaler",
        "Preferences",
        "Firm",
        "My left knee",
        "A woman",
        "Emergency contact and consent",
        "Alex Brennan (Partner)",
        "Ruth Andersen, Dec 7, 2026",
        "Record your decision",
    ]
    positions = [page.index(item) for item in order]
    assert positions == sorted(positions)
    assert f"For the session: {clinic.ruth_next.reference}" in page
    assert "Born May 14, 1971 (age 55)" in page and "consent version 1" in page
    assert "care-admin.css" in text(response)  # its print stylesheet drops menus and form


def test_the_review_list_keeps_the_bookings_row_limits(client, clinic):
    fill_in(client, clinic.ruth_next, history__fever="yes")
    fill_in(client, clinic.dan_next, history__fever="yes")
    client.force_login(clinic.maren_user)
    page = text(client.get(REVIEWS))
    assert clinic.ruth_next.reference in page and clinic.dan_next.reference not in page
    client.force_login(clinic.desk)
    page = text(client.get(REVIEWS))
    assert clinic.ruth_next.reference in page and clinic.dan_next.reference in page
    assert "Fever" not in page


def test_the_review_list_filters_by_state(client, clinic):
    fill_in(client, clinic.ruth_next, history__fever="yes")
    client.force_login(clinic.desk)
    assert clinic.ruth_next.reference in text(client.get(REVIEWS + "?form=needs_review"))
    assert clinic.ruth_next.reference not in text(client.get(REVIEWS + "?form=missing"))
    assert clinic.dan_next.reference in text(client.get(REVIEWS + "?form=missing"))


def test_the_booking_box_names_each_state(client, clinic):
    client.force_login(clinic.desk)
    assert "Health form State: Missing" in booking_page(client, clinic.ruth_next)

    fill_in(client, clinic.ruth_next, history__osteoporosis="yes")
    client.force_login(clinic.desk)
    assert "State: Needs review" in booking_page(client, clinic.ruth_next)

    IntakeReview.objects.create(
        intake=Intake.objects.get(),
        outcome="modified",
        note="Gentle only.",
        by=clinic.maren_user,
        at=timezone.now(),
    )
    page = booking_page(client, clinic.ruth_next)
    assert "State: Reviewed: Cleared with modifications" in page
    assert "Gentle only." not in page

    fill_in(client, clinic.dan_next)
    client.force_login(clinic.desk)
    assert "State: Received" in booking_page(client, clinic.dan_next)


def test_the_agenda_marks_sessions_that_need_review_for_their_therapist(client, clinic):
    fill_in(client, clinic.ruth_next, signs__after_fall="yes")
    client.force_login(clinic.maren_user)
    agenda = text(client.get(reverse("admin:bookings_booking_agenda") + "?date=2026-12-09"))
    assert "Health form: needs review" in agenda


def test_the_owner_publishes_a_new_consent_version_and_old_ones_stay(client, clinic):
    client.force_login(clinic.owner)
    add = reverse("admin:care_consenttext_add")
    form = text(client.get(add))
    assert "I ask for massage therapy at Rimrock Massage" in form  # starts from the current text

    response = client.post(add, {"text": "Version two of our consent.\n\nSecond paragraph."})
    assert response.status_code == 302
    assert [c.version for c in ConsentText.objects.all()] == [2, 1]
    newest = ConsentText.current()
    assert newest.created_by == clinic.owner and newest.paragraphs[1] == "Second paragraph."

    first = ConsentText.objects.get(version=1)
    change = reverse("admin:care_consenttext_change", args=[first.pk])
    client.post(change, {"text": "Rewritten in place"})
    first.refresh_from_db()
    assert first.text.startswith("I ask for massage therapy")  # read-only once published


def test_only_the_owner_sees_consent_texts(client, clinic):
    for user in [clinic.desk, clinic.maren_user]:
        client.force_login(user)
        assert client.get(CONSENTS).status_code == 403
        assert client.post(reverse("admin:care_consenttext_add"), {"text": "x"}).status_code == 403
    assert ConsentText.objects.count() == 1


def test_a_therapist_lists_only_the_forms_of_their_clients(client, clinic):
    fill_in(client, clinic.ruth_next)
    fill_in(client, clinic.dan_next, consent__full_name="Dan Okafor")
    client.force_login(clinic.hannah_user)
    page = text(client.get(reverse("admin:care_intake_changelist")))
    assert "Dan Okafor" in page and "Ruth Andersen" not in page


def test_the_review_list_takes_a_constant_number_of_queries(
    client, clinic, django_assert_max_num_queries
):
    for day in range(10, 16):
        booking = make_booking(
            therapist=clinic.maren, service=clinic.sciatica, start=local(f"2026-12-{day}", "10:00")
        )
        fill_in(client, booking, history__fever="yes", consent__full_name=booking.client.name)
    client.force_login(clinic.desk)
    with django_assert_max_num_queries(12):
        assert client.get(REVIEWS).status_code == 200


def test_the_demo_shows_every_state_and_loads_once(db, settings):
    from bookings.demo import seed_clinic

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_clinic(now=timezone.now())
    intakes = Intake.objects.all()
    assert intakes.drafts().count() == 1
    states = {
        (health.state, health.outcome)
        for booking in Booking.objects.filter(start__gt=timezone.now())
        for health in [health_form(booking)]
    }
    assert {
        ("missing", None),
        ("received", None),
        ("needs_review", None),
        ("reviewed", "cleared"),
        ("reviewed", "modified"),
        ("reviewed", "not_suitable"),
    } <= states
    count = intakes.count()
    call_command("seed_demo")
    assert Intake.objects.count() == count


def test_the_owner_lists_health_forms_even_before_the_first(client, clinic):
    client.force_login(clinic.owner)
    assert client.get(reverse("admin:care_intake_changelist")).status_code == 200
    client.force_login(clinic.hannah_user)  # no client with a form yet
    assert client.get(reverse("admin:care_intake_changelist")).status_code == 403
