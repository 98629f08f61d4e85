"""The back office per role: what a therapist and the front desk see, change and are refused."""

import csv
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from bookings.demo import ensure_groups, seed_clinic
from bookings.models import Booking, BookingChange, Client, Closure, Therapist, TimeOff
from tests.factories import NOW, local, make_booking, make_client, make_service, make_therapist

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:bookings_booking_changelist")
ADD = reverse("admin:bookings_booking_add")
EXPORT = reverse("admin:bookings_booking_export")


def staff(django_user_model, username, group=None):
    user = django_user_model.objects.create_user(username=username, is_staff=True)
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def clinic(policy, django_user_model):
    """Two therapists with logins, the front desk, and bookings of both therapists."""
    groups = ensure_groups()
    sciatica = make_service()
    neck = make_service(
        slug="neck-shoulder-30",
        name="Neck & shoulder massage",
        kind="neck_shoulder",
        duration=30,
        buffer_after=10,
        price="55.00",
    )
    maren_user = staff(django_user_model, "maren", groups["Therapist"])
    hannah_user = staff(django_user_model, "hannah", groups["Therapist"])
    desk = staff(django_user_model, "frontdesk", groups["Front desk"])
    maren = make_therapist(services=[sciatica, neck], user=maren_user)
    hannah = make_therapist(
        slug="hannah",
        name="Hannah Kowalski",
        email="hannah@clinic.example",
        services=[neck, sciatica],
        user=hannah_user,
        order=1,
    )
    ruth = make_client(name="Ruth Andersen", email="ruth@example.com")
    dan = make_client(name="Dan Okafor", email="dan@example.com", phone="(406) 555-0199")
    ruth_past = make_booking(
        therapist=maren,
        service=sciatica,
        client=ruth,
        start=local("2026-12-01", "10:00"),
        status=Booking.Status.COMPLETED,
        notes="Left sciatic pain, worse when sitting.",
    )
    ruth_next = make_booking(
        therapist=maren,
        service=sciatica,
        client=ruth,
        start=local("2026-12-08", "10:00"),
        notes="Still the left leg.",
    )
    dan_next = make_booking(
        therapist=hannah,
        service=neck,
        client=dan,
        start=local("2026-12-08", "10:00"),
        notes="Stiff neck after a car accident.",
    )
    return SimpleNamespace(
        sciatica=sciatica,
        neck=neck,
        maren=maren,
        hannah=hannah,
        maren_user=maren_user,
        hannah_user=hannah_user,
        desk=desk,
        ruth=ruth,
        dan=dan,
        ruth_past=ruth_past,
        ruth_next=ruth_next,
        dan_next=dan_next,
    )


def change_url(booking):
    return reverse("admin:bookings_booking_change", args=[booking.pk])


def results(response):
    return set(response.context["cl"].result_list)


# --- Bookings: lists, search, change pages ----------------------------------------------------


def test_a_therapist_lists_only_their_own_bookings(client, clinic):
    client.force_login(clinic.maren_user)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert results(response) == {clinic.ruth_past, clinic.ruth_next}
    page = response.content.decode()
    assert "Dan Okafor" not in page
    assert clinic.dan_next.reference not in page
    # No filter listing the other therapists either.
    assert "Hannah" not in page


def test_the_front_desk_lists_every_booking_in_clinic_time(client, clinic):
    client.force_login(clinic.desk)

    response = client.get(CHANGELIST)

    assert results(response) == {clinic.ruth_past, clinic.ruth_next, clinic.dan_next}
    page = response.content.decode()
    assert "Tue Dec 8, 2026, 10:00 AM MST" in page
    assert "Hannah Kowalski" in page


@pytest.mark.parametrize(
    ("query", "found_by_desk"),
    [
        ("Okafor", {"dan_next"}),
        ("dan@example.com", {"dan_next"}),
        ("555-0199", {"dan_next"}),
        ("Andersen", {"ruth_past", "ruth_next"}),
    ],
)
def test_search_by_name_email_and_phone_stays_within_the_role(client, clinic, query, found_by_desk):
    expected = {getattr(clinic, name) for name in found_by_desk}
    client.force_login(clinic.desk)
    assert results(client.get(CHANGELIST, {"q": query})) == expected

    client.force_login(clinic.maren_user)
    mine = {b for b in expected if b.therapist == clinic.maren}
    assert results(client.get(CHANGELIST, {"q": query})) == mine


def test_search_by_reference(client, clinic):
    client.force_login(clinic.desk)
    assert results(client.get(CHANGELIST, {"q": clinic.dan_next.reference})) == {clinic.dan_next}
    client.force_login(clinic.maren_user)
    assert results(client.get(CHANGELIST, {"q": clinic.dan_next.reference})) == set()


def test_filters_by_date_status_therapist_and_service(client, clinic):
    client.force_login(clinic.desk)
    assert results(client.get(CHANGELIST, {"when": "tomorrow"})) == {
        clinic.ruth_next,
        clinic.dan_next,
    }
    assert results(client.get(CHANGELIST, {"when": "past"})) == {clinic.ruth_past}
    assert results(client.get(CHANGELIST, {"status__exact": "completed"})) == {clinic.ruth_past}
    assert results(client.get(CHANGELIST, {"therapist__id__exact": clinic.hannah.pk})) == {
        clinic.dan_next
    }
    assert results(client.get(CHANGELIST, {"service__id__exact": clinic.neck.pk})) == {
        clinic.dan_next
    }
    # The date hierarchy works in clinic dates.
    assert results(
        client.get(CHANGELIST, {"start__year": 2026, "start__month": 12, "start__day": 1})
    ) == {clinic.ruth_past}


def test_looking_ahead_the_list_runs_soonest_first(client, clinic):
    later = make_booking(
        therapist=clinic.hannah, service=clinic.neck, start=local("2026-12-10", "09:00")
    )
    sooner = make_booking(
        therapist=clinic.maren, service=clinic.neck, start=local("2026-12-07", "13:00")
    )
    client.force_login(clinic.desk)

    def listed(**params):
        return [b.start for b in client.get(CHANGELIST, params).context["cl"].result_list]

    for when in ("today", "tomorrow", "week", "next7", "upcoming"):
        starts = listed(when=when)
        assert starts and starts == sorted(starts), when
    assert listed(when="upcoming")[0] == sooner.start
    assert listed(when="upcoming")[-1] == later.start
    # The whole history and the past still run newest first.
    assert listed() == sorted(listed(), reverse=True)
    assert listed()[0] == later.start
    make_booking(therapist=clinic.maren, service=clinic.neck, start=local("2026-11-20", "09:00"))
    assert listed(when="past") == [local("2026-12-01", "10:00"), local("2026-11-20", "09:00")]
    # A column the user sorts by still wins.
    starts = listed(when="upcoming", o="-2")
    assert starts == sorted(starts, reverse=True)


def test_another_therapists_booking_answers_404(client, clinic):
    client.force_login(clinic.maren_user)

    for url in [
        change_url(clinic.dan_next),
        reverse("admin:bookings_booking_history", args=[clinic.dan_next.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "car accident" not in response.content.decode()
    # Posting to it changes nothing.
    response = client.post(change_url(clinic.dan_next), {"status": "cancelled", "notes": "x"})
    assert response.status_code == 404
    clinic.dan_next.refresh_from_db()
    assert clinic.dan_next.status == Booking.Status.CONFIRMED


def test_a_therapist_opens_their_own_booking_with_its_notes_and_history(client, clinic):
    client.force_login(clinic.maren_user)

    response = client.get(change_url(clinic.ruth_next))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Still the left leg." in page
    assert "Tue Dec 8, 2026, 10:00 AM – 11:00 AM MST, then 15 minutes" in page
    assert "History of changes" in page
    # The client's private page is not offered to staff.
    assert "View on site" not in page


def test_view_on_site_never_reveals_a_bookings_private_link(client, clinic):
    client.force_login(clinic.maren_user)
    booking_type = ContentType.objects.get_for_model(Booking)

    response = client.get(reverse("admin:view_on_site", args=[booking_type.pk, clinic.dan_next.pk]))

    assert response.status_code == 404
    assert clinic.dan_next.token not in response.get("Location", "")
    # Other models still go to their public page.
    therapist_type = ContentType.objects.get_for_model(Therapist)
    response = client.get(reverse("admin:view_on_site", args=[therapist_type.pk, clinic.maren.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(clinic.maren.get_absolute_url())


def autocomplete(client, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "bookings", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {item["text"] for item in response.json()["results"]}


def test_admin_autocomplete_stays_within_the_role(client, clinic):
    client.force_login(clinic.maren_user)
    assert autocomplete(client, "booking", "client", "Okafor") == set()
    assert autocomplete(client, "booking", "client", "Andersen") == {"Ruth Andersen"}
    assert autocomplete(client, "booking", "therapist", "Hannah") == set()
    assert autocomplete(client, "bookingchange", "booking", clinic.dan_next.reference) == set()

    client.force_login(clinic.desk)
    assert autocomplete(client, "booking", "client", "Okafor") == {"Dan Okafor"}
    assert autocomplete(client, "booking", "therapist", "Hannah") == {"Hannah Kowalski"}


def test_nobody_deletes_a_booking(client, clinic, django_user_model):
    owner = django_user_model.objects.create_superuser("owner", "o@example.com", None)
    client.force_login(owner)
    response = client.get(reverse("admin:bookings_booking_delete", args=[clinic.ruth_next.pk]))
    assert response.status_code == 403
    assert "delete_selected" not in client.get(CHANGELIST).content.decode()


def test_the_booking_list_uses_a_constant_number_of_queries(
    client, clinic, django_assert_max_num_queries
):
    def count_queries(user):
        client.force_login(user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST).status_code == 200
        return len(queries)

    few = {user: count_queries(user) for user in (clinic.desk, clinic.maren_user)}
    for day in range(9, 24):
        for therapist in (clinic.maren, clinic.hannah):
            make_booking(
                therapist=therapist,
                service=clinic.neck,
                client=make_client(name=f"Client {day}"),
                start=local(f"2026-12-{day:02}", "14:00"),
            )
    for user, queries in few.items():
        assert count_queries(user) == queries
        with django_assert_max_num_queries(16):
            client.get(CHANGELIST)


# --- Changing a booking: recorded, through the services ---------------------------------------


def form_data(response) -> dict:
    """What the browser would post back from an admin change page, untouched."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[bound.html_name] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
            )
    return data


def test_editing_notes_and_status_on_the_change_form_is_recorded(client, clinic):
    past = make_booking(
        therapist=clinic.maren,
        service=clinic.neck,
        client=clinic.ruth,
        start=local("2026-12-04", "09:00"),
        notes="Tight left shoulder.",
    )
    client.force_login(clinic.maren_user)
    data = form_data(client.get(change_url(past)))
    data.update(notes="Tight left shoulder; better after heat.", status="completed")

    response = client.post(change_url(past), data)

    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == Booking.Status.COMPLETED
    assert past.notes == "Tight left shoulder; better after heat."
    changes = list(BookingChange.objects.filter(booking=past))
    assert {c.user for c in changes} == {clinic.maren_user}
    assert any("Tight left shoulder." in c.action for c in changes)
    assert any("Completed" in c.action for c in changes)
    page = client.get(change_url(past)).content.decode()
    assert "Marked Completed" in page and "maren" in page


def test_a_future_session_cannot_be_marked_completed_on_the_form(client, clinic):
    client.force_login(clinic.maren_user)
    data = form_data(client.get(change_url(clinic.ruth_next)))
    data["status"] = "completed"

    response = client.post(change_url(clinic.ruth_next), data)

    assert response.status_code == 200
    assert "has not started yet" in response.content.decode()
    clinic.ruth_next.refresh_from_db()
    assert clinic.ruth_next.status == Booking.Status.CONFIRMED


def test_cancelling_on_the_change_form_emails_the_client_and_is_recorded(
    client, clinic, django_capture_on_commit_callbacks
):
    client.force_login(clinic.desk)
    data = form_data(client.get(change_url(clinic.ruth_next)))
    data.update(status="cancelled", reason="Therapist unwell")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(clinic.ruth_next), data)

    assert response.status_code == 302
    clinic.ruth_next.refresh_from_db()
    assert clinic.ruth_next.status == Booking.Status.CANCELLED
    assert clinic.ruth_next.cancel_reason == "Therapist unwell"
    assert [m.to for m in mail.outbox] == [["ruth@example.com"], ["maren@clinic.example"]]
    assert "cancelled by the clinic" in mail.outbox[0].body
    change = BookingChange.objects.get(booking=clinic.ruth_next)
    assert change.user == clinic.desk and change.action == "Cancelled: Therapist unwell"


# --- Actions ---------------------------------------------------------------------------------


def action(client, name, bookings, **extra):
    return client.post(
        CHANGELIST,
        {"action": name, "_selected_action": [b.pk for b in bookings], "index": 0, **extra},
    )


def test_mark_completed_and_no_show_only_touch_sessions_that_started(client, clinic):
    earlier = make_booking(
        therapist=clinic.maren,
        service=clinic.neck,
        start=local("2026-12-04", "09:00"),
    )
    client.force_login(clinic.maren_user)

    response = action(
        client,
        "mark_no_show",
        [earlier, clinic.ruth_next],
    )

    assert response.status_code == 302
    earlier.refresh_from_db()
    clinic.ruth_next.refresh_from_db()
    assert earlier.status == Booking.Status.NO_SHOW
    assert clinic.ruth_next.status == Booking.Status.CONFIRMED
    shown = [str(m) for m in response.wsgi_request._messages]
    assert "1 booking marked no-show." in shown
    assert "1 session has not started yet, so it was left as it was." in shown
    assert BookingChange.objects.get(booking=earlier).user == clinic.maren_user

    action(client, "mark_completed", [earlier])
    earlier.refresh_from_db()
    assert earlier.status == Booking.Status.COMPLETED
    assert not mail.outbox


def test_cancel_action_asks_first_then_cancels_and_emails_each_client(
    client, clinic, django_capture_on_commit_callbacks
):
    client.force_login(clinic.desk)
    selected = [clinic.ruth_next, clinic.dan_next, clinic.ruth_past]

    confirm = action(client, "cancel_bookings", selected)

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert clinic.ruth_next.reference in page and clinic.dan_next.reference in page
    assert "1 selected booking is not confirmed" in page
    assert not Booking.objects.filter(status=Booking.Status.CANCELLED).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {
                "action": "cancel_bookings",
                "_selected_action": [b.pk for b in selected],
                "post": "yes",
                "reason": "Snowstorm: clinic closed",
            },
        )

    assert response.status_code == 302
    assert set(Booking.objects.filter(status=Booking.Status.CANCELLED)) == {
        clinic.ruth_next,
        clinic.dan_next,
    }
    clients = sorted(m.to[0] for m in mail.outbox if "Booking cancelled" in m.subject)
    assert "dan@example.com" in clients and "ruth@example.com" in clients
    assert all(
        c.user == clinic.desk and c.action == "Cancelled: Snowstorm: clinic closed"
        for c in BookingChange.objects.all()
    )


def test_a_therapist_cannot_act_on_another_therapists_booking(client, clinic):
    client.force_login(clinic.maren_user)

    client.post(
        CHANGELIST,
        {
            "action": "cancel_bookings",
            "_selected_action": [clinic.dan_next.pk],
            "post": "yes",
            "reason": "",
        },
    )

    clinic.dan_next.refresh_from_db()
    assert clinic.dan_next.status == Booking.Status.CONFIRMED
    assert not mail.outbox


def test_a_therapist_cannot_cancel_bookings(client, clinic, django_capture_on_commit_callbacks):
    """Their own booking: neither the action nor the change form cancels it (front desk only)."""
    client.force_login(clinic.maren_user)
    booking = clinic.ruth_next

    assert "cancel_bookings" not in client.get(CHANGELIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = action(client, "cancel_bookings", [booking])
        forced = action(client, "cancel_bookings", [booking], post="yes", reason="Unwell")
    for response in (asked, forced):
        assert response.status_code == 302
        shown = [str(m) for m in response.wsgi_request._messages]
        assert any("Only the front desk and the owner cancel bookings." in m for m in shown)

    page = client.get(change_url(booking))
    assert "cancelled" not in dict(page.context["adminform"].form.fields["status"].choices)
    assert "Reason for cancelling" not in page.content.decode()
    data = form_data(page)
    data.update(status="cancelled", reason="Unwell")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(booking), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("status", code="invalid_choice")

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert not BookingChange.objects.exists()
    assert not mail.outbox
    # The front desk still can.
    client.force_login(clinic.desk)
    assert "cancel_bookings" in client.get(CHANGELIST).content.decode()
    assert "Reason for cancelling" in client.get(change_url(booking)).content.decode()


# --- Book for a caller -----------------------------------------------------------------------

CALLER = {
    "name": "Walter Schmidt",
    "email": "walt@example.org",
    "phone": "(406) 555-0188",
    "notes": "Lower back, left side.",
}


def test_the_front_desk_books_a_caller_and_the_client_is_emailed(
    client, clinic, django_capture_on_commit_callbacks
):
    client.force_login(clinic.desk)
    assert client.get(ADD).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD,
            {
                **CALLER,
                "service": clinic.sciatica.pk,
                "therapist": clinic.maren.pk,
                "date": "2026-12-09",
                "time": "13:00",
            },
        )

    booking = Booking.objects.get(client__email="walt@example.org")
    assert response.status_code == 302 and response["Location"] == change_url(booking)
    assert booking.start == local("2026-12-09", "13:00")
    assert booking.source == Booking.Source.STAFF
    assert booking.notes == "Lower back, left side."
    assert BookingChange.objects.get(booking=booking).user == clinic.desk
    assert [m.to for m in mail.outbox] == [["walt@example.org"], ["maren@clinic.example"]]


def test_any_therapist_books_whoever_is_free(client, clinic):
    client.force_login(clinic.desk)
    response = client.post(
        ADD,
        {
            **CALLER,
            "service": clinic.neck.pk,
            "therapist": "",
            "date": "2026-12-08",
            "time": "10:00",
        },
    )
    assert response.status_code == 400  # both therapists are busy at 10:00
    assert "Nobody who offers this service is free then" in response.content.decode()

    client.post(
        ADD,
        {
            **CALLER,
            "service": clinic.neck.pk,
            "therapist": "",
            "date": "2026-12-08",
            "time": "14:00",
        },
    )
    assert Booking.objects.filter(client__email="walt@example.org").count() == 1


def test_a_staff_booking_never_overlaps_even_with_the_override(client, clinic):
    client.force_login(clinic.desk)
    for override in ("", "on"):
        response = client.post(
            ADD,
            {
                **CALLER,
                "service": clinic.sciatica.pk,
                "therapist": clinic.maren.pk,
                "date": "2026-12-08",
                "time": "10:30",
                "override_hours": override,
            },
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Maren Ostby already has a session (or its cleanup time) then" in page
        assert "Nearest free times" in page
        assert "Walter Schmidt" in page  # what was typed is kept
    assert not Booking.objects.filter(client__email="walt@example.org").exists()


def test_outside_working_hours_needs_the_override_and_warns(client, clinic):
    client.force_login(clinic.desk)
    evening = {
        **CALLER,
        "service": clinic.sciatica.pk,
        "therapist": clinic.maren.pk,
        "date": "2026-12-09",
        "time": "18:00",
    }

    refused = client.post(ADD, evening)
    assert refused.status_code == 400
    assert "Maren Ostby is not working then" in refused.content.decode()
    assert "Override working hours" in refused.content.decode()

    response = client.post(ADD, {**evening, "override_hours": "on"}, follow=True)

    booking = Booking.objects.get(client__email="walt@example.org")
    assert booking.start == local("2026-12-09", "18:00")
    page = response.content.decode()
    assert "Booked outside the usual rules: Maren Ostby is not working then." in page


def test_booking_for_a_caller_checks_the_service_is_offered(client, clinic):
    hannah_neck_only = make_therapist(
        slug="jo", name="Jo Lee", email="jo@clinic.example", services=[clinic.neck]
    )
    client.force_login(clinic.desk)
    response = client.post(
        ADD,
        {
            **CALLER,
            "service": clinic.sciatica.pk,
            "therapist": hannah_neck_only.pk,
            "date": "2026-12-09",
            "time": "13:00",
        },
    )
    assert response.status_code == 400
    assert "Jo Lee does not offer" in response.content.decode()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("9999-12-31", "Choose a date between Dec 7, 2025 and Dec 7, 2028."),
        ("0001-01-01", "Choose a date between Dec 7, 2025 and Dec 7, 2028."),
        ("2028-12-08", "Choose a date between Dec 7, 2025 and Dec 7, 2028."),
        ("2025-12-06", "Choose a date between Dec 7, 2025 and Dec 7, 2028."),
    ],
)
def test_booking_for_a_caller_refuses_a_date_far_from_today(client, clinic, day, expected):
    client.force_login(clinic.desk)

    response = client.post(
        ADD,
        {
            **CALLER,
            "service": clinic.sciatica.pk,
            "therapist": clinic.maren.pk,
            "date": day,
            "time": "13:00",
            "override_hours": "on",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].has_error("date", code="date_out_of_range")
    assert expected in response.content.decode()
    assert not Booking.objects.filter(client__email="walt@example.org").exists()
    # The browser's date picker offers the same dates.
    assert 'min="2025-12-07" max="2028-12-07"' in client.get(ADD).content.decode()


def test_the_agenda_link_fills_in_the_booking_form(client, clinic):
    client.force_login(clinic.desk)
    response = client.get(ADD, {"therapist": "hannah", "date": "2026-12-09", "time": "11:15"})
    form = response.context["form"]
    assert form["therapist"].value() == clinic.hannah.pk
    assert form["date"].value().isoformat() == "2026-12-09"


def test_therapists_do_not_book_for_callers(client, clinic):
    client.force_login(clinic.maren_user)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {**CALLER}).status_code == 403
    assert "Book for a caller" not in client.get(CHANGELIST).content.decode()


# --- Moving a booking ------------------------------------------------------------------------


def move_url(booking):
    return reverse("admin:bookings_booking_move", args=[booking.pk])


def as_saved(booking) -> tuple:
    """What moving would change, to compare before and after."""
    booking = Booking.objects.get(pk=booking.pk)
    return booking.start, booking.end, booking.therapist_id, booking.status, booking.sequence


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_superuser("owner", "owner@example.com", None)


@pytest.mark.parametrize("who", ["desk", "owner"])
def test_the_front_desk_and_owner_move_a_booking_and_everyone_is_emailed(
    client, clinic, owner, django_capture_on_commit_callbacks, who
):
    user = owner if who == "owner" else clinic.desk
    booking = clinic.ruth_next
    client.force_login(user)
    assert move_url(booking) in client.get(change_url(booking)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            move_url(booking),
            {"date": "2026-12-09", "time": "13:00", "therapist": clinic.maren.pk},
            follow=True,
        )

    assert response.redirect_chain == [(change_url(booking), 302)]
    booking.refresh_from_db()
    assert booking.start == local("2026-12-09", "13:00")
    assert booking.end == local("2026-12-09", "14:00")
    assert booking.therapist == clinic.maren
    assert booking.sequence == 1
    change = BookingChange.objects.get(booking=booking)
    assert change.user == user
    assert (
        change.action == "Moved from Tue Dec 8, 2026, 10:00 AM MST to Wed Dec 9, 2026, 1:00 PM MST"
    )
    assert [m.to for m in mail.outbox] == [["ruth@example.com"], ["maren@clinic.example"]]
    assert "Booking moved" in mail.outbox[0].subject
    assert (
        f"Moved {booking.reference} to Wed Dec 9, 2026, 1:00 PM MST with Maren Ostby; "
        "emails are on their way to the client and therapist." in response.content.decode()
    )


def test_moving_to_another_therapist_emails_both_therapists(
    client, clinic, django_capture_on_commit_callbacks
):
    client.force_login(clinic.desk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            move_url(clinic.ruth_next),
            {"date": "2026-12-08", "time": "13:00", "therapist": clinic.hannah.pk},
        )

    assert response.status_code == 302
    clinic.ruth_next.refresh_from_db()
    assert clinic.ruth_next.therapist == clinic.hannah
    assert clinic.ruth_next.start == local("2026-12-08", "13:00")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hannah@clinic.example",
        "maren@clinic.example",
        "ruth@example.com",
    ]
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("emails are on their way to the client and both therapists" in m for m in shown)


def test_moving_onto_another_booking_is_refused_and_changes_nothing(
    client, clinic, django_capture_on_commit_callbacks
):
    client.force_login(clinic.desk)
    before = as_saved(clinic.dan_next)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            move_url(clinic.dan_next),
            {"date": "2026-12-08", "time": "10:30", "therapist": clinic.maren.pk},
        )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Maren Ostby already has a session (or its cleanup time) then" in page
    assert "Nearest free times" in page
    # What was typed is kept.
    form = response.context["form"]
    assert (form["date"].value(), form["time"].value()) == ("2026-12-08", "10:30")
    assert form["therapist"].value() == str(clinic.maren.pk)
    assert as_saved(clinic.dan_next) == before
    assert not BookingChange.objects.filter(booking=clinic.dan_next).exists()
    assert not mail.outbox


def test_any_therapist_moves_to_whoever_is_free(client, clinic):
    client.force_login(clinic.desk)

    # At 10:00 Maren has Ruth's session and Hannah already has this one.
    refused = client.post(
        move_url(clinic.dan_next), {"date": "2026-12-08", "time": "10:00", "therapist": ""}
    )
    assert refused.status_code == 400
    assert "That is already the booking&#x27;s time and therapist." in refused.content.decode()

    response = client.post(
        move_url(clinic.dan_next), {"date": "2026-12-08", "time": "14:00", "therapist": ""}
    )
    assert response.status_code == 302
    clinic.dan_next.refresh_from_db()
    assert clinic.dan_next.start == local("2026-12-08", "14:00")


def test_a_cancelled_booking_cannot_be_moved(client, clinic, django_capture_on_commit_callbacks):
    cancelled = make_booking(
        therapist=clinic.maren,
        service=clinic.sciatica,
        client=clinic.dan,
        start=local("2026-12-09", "10:00"),
        status=Booking.Status.CANCELLED,
    )
    client.force_login(clinic.desk)
    before = as_saved(cancelled)
    assert move_url(cancelled) not in client.get(change_url(cancelled)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            move_url(cancelled),
            {"date": "2026-12-09", "time": "13:00", "therapist": clinic.maren.pk},
            follow=True,
        )

    assert response.redirect_chain == [(change_url(cancelled), 302)]
    assert (
        f"Only confirmed bookings can be moved; {cancelled.reference} is cancelled. "
        "Nothing was changed." in response.content.decode()
    )
    assert as_saved(cancelled) == before
    assert not BookingChange.objects.filter(booking=cancelled).exists()
    assert not mail.outbox
    # Opening the page says the same.
    assert client.get(move_url(cancelled))["Location"] == change_url(cancelled)


def test_a_therapist_cannot_move_bookings(client, clinic):
    """Their own booking: 403 (moving is the front desk's); another's: 404, as everywhere."""
    client.force_login(clinic.maren_user)
    before = {b.pk: as_saved(b) for b in (clinic.ruth_next, clinic.dan_next)}
    assert (
        move_url(clinic.ruth_next) not in client.get(change_url(clinic.ruth_next)).content.decode()
    )
    data = {"date": "2026-12-09", "time": "13:00", "therapist": ""}

    refused = client.get(move_url(clinic.ruth_next))
    assert refused.status_code == 403
    assert "not part of your role" in refused.content.decode()
    assert "Back to the back office" in refused.content.decode()
    assert client.post(move_url(clinic.ruth_next), data).status_code == 403
    assert client.get(move_url(clinic.dan_next)).status_code == 404
    assert client.post(move_url(clinic.dan_next), data).status_code == 404

    assert {b.pk: as_saved(b) for b in (clinic.ruth_next, clinic.dan_next)} == before
    assert not BookingChange.objects.exists()
    assert not mail.outbox


def test_opening_the_move_page_shows_the_current_time_and_changes_nothing(client, clinic):
    client.force_login(clinic.desk)
    before = as_saved(clinic.ruth_next)

    response = client.get(
        move_url(clinic.ruth_next), {"date": "2026-12-09", "time": "13:00", "therapist": ""}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tue Dec 8, 2026, 10:00 AM MST" in page
    form = response.context["form"]
    assert not form.is_bound
    assert form["therapist"].value() == clinic.maren.pk
    assert [str(t) for t in form.fields["therapist"].queryset] == [
        "Maren Ostby",
        "Hannah Kowalski",
    ]
    assert "Anyone who offers the service" in page
    assert as_saved(clinic.ruth_next) == before
    assert not BookingChange.objects.exists()
    assert not mail.outbox


def test_moving_needs_the_csrf_token(clinic):
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(clinic.desk)
    before = as_saved(clinic.ruth_next)

    response = browser.post(
        move_url(clinic.ruth_next),
        {"date": "2026-12-09", "time": "13:00", "therapist": clinic.maren.pk},
    )

    assert response.status_code == 403
    assert as_saved(clinic.ruth_next) == before


# --- Export ----------------------------------------------------------------------------------


def rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_a_date_range_as_csv(client, clinic):
    client.force_login(clinic.desk)

    response = client.get(EXPORT, {"start": "2026-12-01", "end": "2026-12-08"})

    exported = rows(response)
    assert {r["Reference"] for r in exported} == {
        clinic.ruth_past.reference,
        clinic.ruth_next.reference,
        clinic.dan_next.reference,
    }
    first = exported[0]  # in time order
    assert first["Date"] == "2026-12-01" and first["Start"] == "10:00"
    assert first["Time zone"] == "MST" and first["Client"] == "Ruth Andersen"
    assert "Left sciatic" not in response.content.decode()  # no health notes in exports
    assert rows(client.get(EXPORT, {"start": "2026-12-02", "end": "2026-12-07"})) == []


def test_the_csv_starts_with_a_byte_order_mark_so_excel_reads_accents(client, clinic):
    clinic.ruth.name = "Zoë Ångström"
    clinic.ruth.save()
    client.force_login(clinic.desk)

    for response in (
        client.get(EXPORT, {"start": "2026-12-01", "end": "2026-12-01"}),
        action(client, "export_selected", [clinic.ruth_past]),
    ):
        assert response.content.startswith("\ufeffReference,".encode())
        assert [r["Client"] for r in rows(response)] == ["Zoë Ångström"]


def test_a_therapist_exports_only_their_own_bookings(client, clinic):
    client.force_login(clinic.maren_user)

    exported = rows(client.get(EXPORT, {"start": "2026-12-01", "end": "2026-12-31"}))

    assert {r["Reference"] for r in exported} == {
        clinic.ruth_past.reference,
        clinic.ruth_next.reference,
    }
    # Selecting someone else's booking in the list exports nothing of it either.
    response = action(client, "export_selected", [clinic.dan_next, clinic.ruth_next])
    assert {r["Reference"] for r in rows(response)} == {clinic.ruth_next.reference}


def test_export_needs_the_export_permission_and_a_sensible_range(client, clinic, django_user_model):
    viewer = staff(django_user_model, "viewer")
    viewer.user_permissions.add(
        *ContentType.objects.get_for_model(Booking).permission_set.filter(codename="view_booking")
    )
    client.force_login(viewer)
    assert client.get(EXPORT, {"start": "2026-12-01", "end": "2026-12-31"}).status_code == 403

    client.force_login(clinic.desk)
    response = client.get(EXPORT, {"start": "2026-12-08", "end": "2026-12-01"})
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    response = client.get(EXPORT, {"start": "2025-01-01", "end": "2026-12-31"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("9999-12-31", "9999-12-31", "start"),
        ("0001-01-01", "0001-01-01", "start"),
        ("2026-12-01", "9999-12-31", "end"),
        ("2006-12-06", "2006-12-31", "start"),  # more than 20 years back
    ],
)
def test_export_refuses_dates_far_from_today(client, clinic, start, end, field):
    client.force_login(clinic.desk)

    response = client.get(EXPORT, {"start": start, "end": end})

    assert response.status_code == 400
    assert response.context["form"].has_error(field, code="date_out_of_range")
    assert "Choose a date between Dec 7, 2006 and Dec 7, 2031." in response.content.decode()


def test_csv_cells_cannot_become_formulas(client, clinic):
    clinic.ruth.name = '=HYPERLINK("http://evil.example")'
    clinic.ruth.save()
    client.force_login(clinic.desk)
    exported = rows(client.get(EXPORT, {"start": "2026-12-01", "end": "2026-12-01"}))
    assert exported[0]["Client"].startswith("'=")
    assert exported[0]["Phone"] == "(406) 555-0147"


# --- Therapists, hours and time off ------------------------------------------------------------


def therapist_url(therapist):
    return reverse("admin:bookings_therapist_change", args=[therapist.pk])


def test_a_therapist_sees_and_edits_only_their_own_profile(client, clinic):
    client.force_login(clinic.maren_user)

    response = client.get(reverse("admin:bookings_therapist_changelist"))
    assert results(response) == {clinic.maren}
    assert client.get(therapist_url(clinic.hannah)).status_code == 404

    data = form_data(client.get(therapist_url(clinic.maren)))
    data.update(credentials="LMT, NCBTMB board certified", user=str(clinic.hannah_user.pk))
    response = client.post(therapist_url(clinic.maren), data)

    assert response.status_code == 302
    clinic.maren.refresh_from_db()
    assert clinic.maren.credentials == "LMT, NCBTMB board certified"
    assert clinic.maren.user == clinic.maren_user  # who logs in is the front desk's call


def test_overlapping_hours_on_one_day_are_refused_with_a_clear_message(client, clinic):
    client.force_login(clinic.maren_user)
    data = form_data(client.get(therapist_url(clinic.maren)))
    total = int(data["hours-TOTAL_FORMS"])
    data.update(
        {
            "hours-TOTAL_FORMS": str(total + 2),
            f"hours-{total}-weekday": "0",
            f"hours-{total}-start": "11:00",
            f"hours-{total}-end": "14:00",
            f"hours-{total + 1}-weekday": "5",
            f"hours-{total + 1}-start": "12:00",
            f"hours-{total + 1}-end": "10:00",
        }
    )

    response = client.post(therapist_url(clinic.maren), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Monday: 09:00–12:00 overlaps 11:00–14:00." in page
    assert "The end must be after the start." in page
    assert clinic.maren.hours.count() == total


def test_hours_with_a_break_and_back_to_back_rows_are_fine(client, clinic):
    client.force_login(clinic.maren_user)
    data = form_data(client.get(therapist_url(clinic.maren)))
    total = int(data["hours-TOTAL_FORMS"])
    data.update(
        {
            "hours-TOTAL_FORMS": str(total + 2),
            f"hours-{total}-weekday": "5",
            f"hours-{total}-start": "09:00",
            f"hours-{total}-end": "11:00",
            f"hours-{total + 1}-weekday": "5",
            f"hours-{total + 1}-start": "11:00",
            f"hours-{total + 1}-end": "13:00",
        }
    )

    response = client.post(therapist_url(clinic.maren), data)

    assert response.status_code == 302
    assert clinic.maren.hours.filter(weekday=5).count() == 2


def test_time_off_over_a_booking_is_saved_with_a_warning(client, clinic):
    client.force_login(clinic.maren_user)
    data = form_data(client.get(therapist_url(clinic.maren)))
    data.update(
        {
            "time_off-TOTAL_FORMS": "1",
            "time_off-0-start_0": "2026-12-08",
            "time_off-0-start_1": "09:00",
            "time_off-0-end_0": "2026-12-08",
            "time_off-0-end_1": "12:00",
            "time_off-0-reason": "Dentist",
        }
    )

    response = client.post(therapist_url(clinic.maren), data, follow=True)

    off = TimeOff.objects.get(therapist=clinic.maren)
    assert off.start == local("2026-12-08", "09:00")
    link = f'<a href="{change_url(clinic.ruth_next)}">{clinic.ruth_next.reference}</a>'
    assert f"This time off overlaps 1 confirmed booking ({link})" in response.content.decode()


def test_cutting_working_hours_warns_about_bookings_left_outside_them(client, clinic):
    friday = make_booking(
        therapist=clinic.maren, service=clinic.sciatica, start=local("2026-12-11", "14:00")
    )
    make_booking(  # still inside the shorter hours
        therapist=clinic.maren, service=clinic.neck, start=local("2026-12-11", "13:00")
    )
    make_booking(  # cancelled: nothing to warn about
        therapist=clinic.maren,
        service=clinic.neck,
        start=local("2026-12-11", "16:00"),
        status=Booking.Status.CANCELLED,
    )
    client.force_login(clinic.maren_user)
    data = form_data(client.get(therapist_url(clinic.maren)))
    unchanged = client.post(therapist_url(clinic.maren), data, follow=True)
    assert not any("outside" in str(m) for m in unchanged.context["messages"])
    (row,) = [
        key[: -len("-weekday")]
        for key, value in data.items()
        if key.endswith("-weekday") and value == "4" and data[f"{key[:-8]}-start"] == "13:00:00"
    ]
    data[f"{row}-end"] = "14:00"  # Friday afternoons now end at two

    response = client.post(therapist_url(clinic.maren), data, follow=True)

    assert clinic.maren.hours.get(weekday=4, start="13:00").end.isoformat() == "14:00:00"
    shown = [str(m) for m in response.context["messages"]]
    assert (
        "1 confirmed booking is now outside Maren Ostby&#x27;s working hours: "
        f'<a href="{change_url(friday)}">{friday.reference}</a> (Fri Dec 11, 2026, 2:00 PM MST). '
        "It is still booked: move or cancel it if needed."
    ) in shown


def test_the_therapist_page_previews_the_next_weeks_free_times(client, clinic):
    client.force_login(clinic.maren_user)

    page = client.get(therapist_url(clinic.maren)).content.decode()

    # The shortest service (30 min + 10 min cleanup) around Tuesday's 10:00 session.
    assert "Neck &amp; shoulder massage (30 min)" in page
    assert "<strong>Tue Dec 8</strong>: 9:00 AM – 9:15 AM, 11:15 AM – 11:30 AM, " in page
    assert "<strong>Sat Dec 12</strong>: no free times" in page
    # Monday: two hours' notice from 8:00.
    assert "<strong>Mon Dec 7</strong>: 10:00 AM – 11:30 AM" in page


def test_a_closure_over_bookings_warns_the_front_desk(client, clinic):
    client.force_login(clinic.desk)
    response = client.post(
        reverse("admin:bookings_closure_add"),
        {
            "reason": "Snow day",
            "start_0": "2026-12-08",
            "start_1": "00:00",
            "end_0": "2026-12-09",
            "end_1": "00:00",
        },
        follow=True,
    )
    assert Closure.objects.get().reason == "Snow day"
    assert "The closure overlaps 2 confirmed bookings" in response.content.decode()


def test_a_therapist_can_view_closures_but_not_change_them(client, clinic):
    client.force_login(clinic.maren_user)
    assert client.get(reverse("admin:bookings_closure_changelist")).status_code == 200
    assert client.get(reverse("admin:bookings_closure_add")).status_code == 403


# --- Clients ---------------------------------------------------------------------------------


def client_url(record):
    return reverse("admin:bookings_client_change", args=[record.pk])


def test_a_therapist_sees_only_clients_they_have_had_bookings_with(client, clinic):
    client.force_login(clinic.maren_user)

    response = client.get(reverse("admin:bookings_client_changelist"))
    assert results(response) == {clinic.ruth}
    assert (
        results(client.get(reverse("admin:bookings_client_changelist"), {"q": "Okafor"})) == set()
    )
    assert client.get(client_url(clinic.dan)).status_code == 404

    client.force_login(clinic.desk)
    assert results(client.get(reverse("admin:bookings_client_changelist"))) == {
        clinic.ruth,
        clinic.dan,
    }


def test_the_client_record_shows_history_and_only_the_therapists_own_notes(client, clinic):
    # Hannah has a first session booked with Ruth: she has never treated her.
    first_visit = make_booking(
        therapist=clinic.hannah,
        service=clinic.neck,
        client=clinic.ruth,
        start=local("2026-12-10", "11:00"),
        notes="Neck stiff since the move.",
    )
    client.force_login(clinic.hannah_user)

    page = client.get(client_url(clinic.ruth)).content.decode()

    assert first_visit.reference in page and "Neck stiff since the move." in page
    assert "Left sciatic pain" not in page and "Still the left leg." not in page
    assert clinic.ruth_past.reference not in page

    client.force_login(clinic.maren_user)
    page = client.get(client_url(clinic.ruth)).content.decode()
    assert "Left sciatic pain" in page and "Still the left leg." in page
    assert "Neck stiff since the move." not in page
    assert "View on site" not in page  # the bookings' private pages are the clients'

    client.force_login(clinic.desk)
    page = client.get(client_url(clinic.ruth)).content.decode()
    assert all(
        text in page
        for text in ["Left sciatic pain", "Still the left leg.", "Neck stiff since the move."]
    )


def test_a_therapist_keeps_staff_notes_but_not_contact_details(client, clinic):
    client.force_login(clinic.maren_user)
    data = form_data(client.get(client_url(clinic.ruth)))
    data.update(staff_notes="Prefers firm pressure.", email="someone@else.example")

    response = client.post(client_url(clinic.ruth), data)

    assert response.status_code == 302
    clinic.ruth.refresh_from_db()
    assert clinic.ruth.staff_notes == "Prefers firm pressure."
    assert clinic.ruth.email == "ruth@example.com"


# --- Calendar address ------------------------------------------------------------------------


def test_a_therapist_gets_a_new_calendar_address_after_confirming(client, clinic):
    client.force_login(clinic.maren_user)
    url = reverse("admin:bookings_therapist_calendar_link", args=[clinic.maren.pk])
    old = clinic.maren.calendar_token

    assert client.get(url).status_code == 200
    assert Therapist.objects.get(pk=clinic.maren.pk).calendar_token == old
    response = client.post(url)

    assert response.status_code == 302
    clinic.maren.refresh_from_db()
    assert clinic.maren.calendar_token != old
    # Not for someone else's address.
    other = reverse("admin:bookings_therapist_calendar_link", args=[clinic.hannah.pk])
    assert client.post(other).status_code == 404


def test_the_front_desk_renews_calendar_addresses_in_bulk(client, clinic):
    client.force_login(clinic.desk)
    before = dict(Therapist.objects.values_list("pk", "calendar_token"))
    client.post(
        reverse("admin:bookings_therapist_changelist"),
        {
            "action": "new_calendar_addresses",
            "_selected_action": list(before),
            "index": 0,
        },
    )
    after = dict(Therapist.objects.values_list("pk", "calendar_token"))
    assert all(after[pk] != before[pk] for pk in before)


# --- The dashboard and the demo ----------------------------------------------------------------


def test_the_admin_index_links_the_agenda(client, clinic):
    client.force_login(clinic.desk)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:bookings_booking_agenda") in page
    assert "Book for a caller" in page

    client.force_login(clinic.maren_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:bookings_booking_agenda") in page
    assert "Book for a caller" not in page
    assert therapist_url(clinic.maren) in page


def test_the_demo_gives_every_therapist_a_login_and_a_spread_of_bookings(client, django_user_model):
    seed_clinic(now=NOW)
    now = NOW
    for therapist in Therapist.objects.select_related("user"):
        user = therapist.user
        assert user.is_staff and not user.is_superuser
        assert user.groups.filter(name="Therapist").exists()
        assert user.check_password("massage-demo")
        bookings = Booking.objects.filter(therapist=therapist)
        assert bookings.filter(start__lt=now).exists()
        assert bookings.filter(start__gte=now + timedelta(days=1)).exists()
        assert user.has_perm("bookings.export_booking")
    desk = django_user_model.objects.get(username="frontdesk")
    assert desk.has_perm("bookings.add_booking") and desk.has_perm("bookings.export_booking")
    # Each demo login sees its own schedule.
    maren = Therapist.objects.get(slug="maren-ostby")
    client.force_login(maren.user)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert {b.therapist for b in response.context["cl"].result_list} == {maren}
    assert Client.objects.count() > 5


# --- Callers as they call; the nearest times fill the form; small things staff notice ------


def test_a_caller_without_email_is_booked_by_phone_and_gets_no_emails(
    client, clinic, django_capture_on_commit_callbacks
):
    client.force_login(clinic.desk)
    caller = {**CALLER, "email": "", "service": clinic.sciatica.pk, "therapist": clinic.maren.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, {**caller, "date": "2026-12-09", "time": "13:00"}, follow=True)
    booking = Booking.objects.get(name="Walter Schmidt")
    assert booking.email == "" and booking.phone == "(406) 555-0188"
    page = response.content.decode()
    assert "No email was given, so no confirmation is sent: tell the caller the time now." in page
    assert "No email: this client gets no emails." in page  # on the booking's own page
    assert [m.to for m in mail.outbox] == [["maren@clinic.example"]]
    # Calling again, the same name and phone is the same person.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {**caller, "date": "2026-12-10", "time": "13:00"})
    assert Client.objects.filter(name="Walter Schmidt").count() == 1


def test_a_nearest_free_time_fills_the_callers_form_without_booking(client, clinic):
    client.force_login(clinic.desk)
    taken = {
        **CALLER,
        "service": clinic.sciatica.pk,
        "therapist": clinic.maren.pk,
        "date": "2026-12-08",
        "time": "10:30",
    }
    page = client.post(ADD, taken).content.decode()
    picks = re.findall(r'name="pick" value="([^"]+)"', page)
    assert picks
    _slug, day, at = picks[0].split("|")

    response = client.post(ADD, {**taken, "pick": picks[0]})

    filled = response.content.decode()
    assert response.status_code == 200
    assert f'value="{day}"' in filled and f'value="{at}"' in filled
    assert 'value="Walter Schmidt"' in filled and "Lower back, left side." in filled
    assert not Booking.objects.filter(name="Walter Schmidt").exists()
    # Pressing Book then books that time.
    client.post(ADD, {**taken, "date": day, "time": at})
    booked = Booking.objects.get(name="Walter Schmidt")
    assert booked.start.astimezone(local("2026-12-08", "10:00").tzinfo).strftime("%H:%M") == at


def test_the_admin_greets_staff_by_name_and_shows_the_clinic_icon(client, clinic):
    clinic.desk.first_name, clinic.desk.last_name = "Front", "Desk"
    clinic.desk.save()
    client.force_login(clinic.desk)
    page = client.get(reverse("admin:index")).content.decode()
    assert '<strong class="welcome-name">Front Desk</strong>' in page
    assert 'rel="icon"' in page and "favicon" in page


def test_a_time_the_clocks_skip_is_refused_naming_the_real_time(client, clinic):
    client.force_login(clinic.desk)
    response = client.post(
        ADD,
        {
            **CALLER,
            "service": clinic.sciatica.pk,
            "therapist": clinic.maren.pk,
            "date": "2027-03-14",
            "time": "02:30",
            "override_hours": "on",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "02:30 does not exist on Mar 14, 2027: the clocks go forward an hour" in page
    assert "The same moment is Sun Mar 14, 2027, 3:30 AM MDT" in page
    assert not Booking.objects.filter(name="Walter Schmidt").exists()


def test_the_front_desk_books_a_care_plan_for_a_caller_all_or_none(client, clinic):
    client.force_login(clinic.desk)
    plan = {
        **CALLER,
        "service": clinic.sciatica.pk,
        "therapist": clinic.maren.pk,
        "date": "2026-12-09",
        "time": "13:00",
        "repeat_every": "1",
        "repeat_count": "4",
    }
    make_booking(
        therapist=clinic.maren, service=clinic.sciatica, start=local("2026-12-23", "13:00")
    )
    refused = client.post(ADD, plan)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert (
        "Nothing is booked: the session on Wed Dec 23, 2026, 1:00 PM MST cannot be booked." in page
    )
    assert "Nearest free times" in page
    assert not Booking.objects.filter(name="Walter Schmidt").exists()

    response = client.post(ADD, {**plan, "date": "2026-12-10"}, follow=True)
    sessions = Booking.objects.filter(name="Walter Schmidt").order_by("start")
    assert [s.start for s in sessions] == [
        local(day, "13:00") for day in ("2026-12-10", "2026-12-17", "2026-12-24", "2026-12-31")
    ]
    assert len({s.series_id for s in sessions}) == 1
    assert "Booked a care plan of 4 sessions with Maren Ostby" in response.content.decode()
