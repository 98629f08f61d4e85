"""The booking flow through Django's test client, as a client on a phone would use it."""

import html
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking, Closure, TimeOff
from tests.factories import local, make_booking, make_service, make_therapist

pytestmark = pytest.mark.django_db

TUESDAY_10 = local("2026-12-08", "10:00")


@pytest.fixture
def clinic(policy):
    sciatica = make_service()
    neck = make_service(
        slug="neck-shoulder-30",
        name="Neck & shoulder massage",
        kind="neck_shoulder",
        duration=30,
        buffer_after=10,
        price="55.00",
    )
    maren = make_therapist(services=[sciatica, neck])
    hannah = make_therapist(
        slug="hannah",
        name="Hannah Kowalski",
        email="hannah@clinic.example",
        services=[neck],
        order=1,
    )
    return {"sciatica": sciatica, "neck": neck, "maren": maren, "hannah": hannah}


def confirm_url(service_slug, start, therapist="maren"):
    query = urlencode({"therapist": therapist, "start": start.isoformat()})
    return f"/book/{service_slug}/confirm/?{query}"


FORM = {
    "name": "Ruth Andersen",
    "email": "ruth@example.com",
    "phone": "(406) 555-0147",
    "notes": "Pain down the left leg when I sit.",
    "accept_policy": "on",
    "website": "",
}


def test_choose_a_service_grouped_by_treatment(client, clinic):
    page = client.get("/book/").content.decode()
    assert "Sciatica relief" in page and "Neck &amp; shoulder" in page
    assert page.index("Sciatica relief massage") < page.index("Neck &amp; shoulder massage")
    assert "$95.00" in page and "30 minutes" in page
    assert 'href="/book/sciatica-relief-60/"' in page


def test_choose_a_therapist_day_and_time(client, clinic):
    response = client.get("/book/sciatica-relief-60/", {"therapist": "maren", "date": "2026-12-08"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Any therapist" in page and "Maren Ostby" in page
    assert "Hannah Kowalski" not in page  # she does not offer sciatica sessions
    assert "Free times on Tuesday, December 8" in page
    assert "Mountain Time" in page
    assert "9:00 AM" in page and "4:00 PM" in page and "12:00 PM" not in page  # lunch break
    assert confirm_url("sciatica-relief-60", TUESDAY_10).replace("&", "&amp;") in page
    # Week navigation: next week, and no previous week before today.
    assert "date=2026-12-14" in page and "Previous week" not in page
    # Nobody works weekends: those days say so rather than "full".
    assert page.count("closed") == 2


def test_the_time_picker_starts_with_a_link_past_the_choices_to_the_free_times(client, clinic):
    for url in ("/book/sciatica-relief-60/", f"/bookings/{_booked(clinic).token}/reschedule/"):
        page = client.get(url, {"therapist": "maren", "date": "2026-12-08"}).content.decode()
        main = page[page.index("<main") :]
        # The first link in the page's content, before the therapists, days and weeks.
        first = re.search(r"<a [^>]*href=\"([^\"]+)\"[^>]*>([^<]+)</a>", main)
        assert first.groups() == ("#times", "Skip to available times"), url
        assert main.index("Skip to available times") < main.index("Who would you like to see?")
        # Its target takes the focus, so the next Tab is the first free time.
        heading = re.search(r'<h2 id="times"[^>]*>', main).group(0)
        assert 'tabindex="-1"' in heading
        assert re.search(r'<h2 id="times"[^>]*>Free times on Tuesday, December 8</h2>\s*<p>', main)


def _booked(clinic):
    return make_booking(
        therapist=clinic["maren"], service=clinic["sciatica"], start=local("2026-12-15", "10:00")
    )


def test_booking_page_opens_on_the_first_day_with_free_times(client, clinic):
    # Monday 8:00 with two hours' notice: Monday still has times from 10:00.
    page = client.get("/book/sciatica-relief-60/").content.decode()
    assert "Free times on Monday, December 7" in page
    assert "9:00 AM" not in page.split("Free times on")[1]


def test_the_whole_flow_books_and_shows_the_booking(
    client, clinic, django_capture_on_commit_callbacks
):
    url = confirm_url("sciatica-relief-60", TUESDAY_10)
    page = client.get(url).content.decode()
    assert "Tuesday, December 8, 2026 at 10:00 AM MST" in page
    assert 'name="website"' in page and "cancellation policy" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, FORM)
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bookings/{booking.token}/"
    assert booking.therapist == clinic["maren"] and booking.start == TUESDAY_10
    assert booking.client.email == "ruth@example.com"
    assert booking.notes == "Pain down the left leg when I sit."

    page = client.get(response["Location"]).content.decode()
    assert booking.reference in page
    assert "Maren Ostby" in page and "Sciatica relief massage" in page
    assert "10:00 AM MST" in page and "2815 Montana Avenue" in page
    assert "Arrive ten minutes early." in page  # the service's own "what to expect"
    assert [m.to for m in mail.outbox] == [["ruth@example.com"], ["maren@clinic.example"]]


def test_any_therapist_is_assigned_on_booking(client, clinic):
    url = confirm_url("neck-shoulder-30", TUESDAY_10, therapist="any")
    assert "Any therapist" in client.get(url).content.decode()
    client.post(url, FORM)
    assert Booking.objects.get().therapist in (clinic["maren"], clinic["hannah"])


def test_a_lost_race_keeps_what_was_typed_and_offers_the_nearest_times(client, clinic):
    url = confirm_url("sciatica-relief-60", TUESDAY_10)
    client.get(url)
    # Someone else books the slot between the page load and the POST.
    make_booking(therapist=clinic["maren"], service=clinic["sciatica"], start=TUESDAY_10)
    response = client.post(url, FORM)
    page = response.content.decode()
    assert response.status_code == 409
    assert "just been booked by someone else" in page
    assert 'value="Ruth Andersen"' in page and "Pain down the left leg when I sit." in page
    assert 'value="ruth@example.com"' in page
    offered = re.findall(r'name="choose" value="([^"]+)"', page)
    assert offered and TUESDAY_10.isoformat() not in offered
    assert Booking.objects.count() == 1

    # Tapping a nearby time comes back to the confirm step with the details kept ...
    response = client.post(url, {**FORM, "choose": offered[0]})
    page = response.content.decode()
    assert response.status_code == 200 and Booking.objects.count() == 1
    assert 'value="Ruth Andersen"' in page and "Pain down the left leg when I sit." in page
    assert f'name="start" value="{offered[0]}"' in page and "Book this session" in page
    # ... and books only when they confirm.
    response = client.post(url, {**FORM, "start": offered[0]})
    assert response.status_code == 302
    assert Booking.objects.filter(client__email="ruth@example.com").count() == 1


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (local("2026-12-04", "10:00"), "already passed"),
        (local("2026-12-07", "09:00"), "notice"),
        (local("2027-03-01", "10:00"), "up to 60 days ahead"),
        (local("2026-12-08", "10:10"), "every 15 minutes"),
        (local("2026-12-08", "18:00"), "not working at that time"),
        (local("2026-12-12", "10:00"), "not working at that time"),  # a Saturday
    ],
)
def test_an_unbookable_start_gets_a_clear_message(client, clinic, start, message):
    url = confirm_url("sciatica-relief-60", start)
    for response in (client.get(url), client.post(url, FORM)):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_time_off_and_closures_are_refused(client, clinic):
    TimeOff.objects.create(
        therapist=clinic["maren"], start=TUESDAY_10, end=TUESDAY_10 + timedelta(hours=2)
    )
    closed = local("2026-12-09", "00:00")
    Closure.objects.create(start=closed, end=closed + timedelta(days=1), reason="Staff training")
    for start in (TUESDAY_10, local("2026-12-09", "10:00")):
        response = client.post(confirm_url("sciatica-relief-60", start), FORM)
        assert response.status_code == 400
        assert "away at that time" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (confirm_url("sciatica-relief-60", TUESDAY_10, therapist="hannah"), 400, "does not offer"),
        (
            confirm_url("sciatica-relief-60", TUESDAY_10, therapist="nobody"),
            400,
            "don't know that therapist",
        ),
        ("/book/sciatica-relief-60/confirm/?therapist=maren&start=next-tuesday", 400, "ISO 8601"),
        ("/book/sciatica-relief-60/confirm/?therapist=maren", 400, "choose a time"),
        (confirm_url("no-such-service", TUESDAY_10), 404, "couldn't find that page"),
    ],
)
def test_bad_links_get_a_friendly_page_and_book_nothing(client, clinic, url, status, message):
    for response in (client.get(url), client.post(url, FORM)):
        assert response.status_code == status
        assert message in html.unescape(response.content.decode())
    assert not Booking.objects.exists()


def test_an_inactive_service_cannot_be_booked(client, clinic):
    clinic["sciatica"].active = False
    clinic["sciatica"].save()
    assert client.get("/book/sciatica-relief-60/").status_code == 404
    assert client.post(confirm_url("sciatica-relief-60", TUESDAY_10), FORM).status_code == 404
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "ruth-at-example", "valid email"),
        ("phone", "call me", "phone number we can call"),
        ("phone", "12", "phone number we can call"),
        ("name", "R" * 121, "at most 120 characters"),
        ("notes", "x" * 1001, "at most 1000 characters"),
        ("name", "   ", "Please tell us your name"),
        ("accept_policy", "", "accept the cancellation policy"),
        ("website", "http://spam.example", "leave this field empty"),
    ],
)
def test_invalid_details_are_explained_next_to_the_field(client, clinic, field, value, message):
    data = {**FORM, field: value}
    if field == "accept_policy":
        del data["accept_policy"]
    response = client.post(confirm_url("sciatica-relief-60", TUESDAY_10), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "invalid-feedback" in page
    assert not Booking.objects.exists()


def test_details_errors_are_summed_up_first_with_focus_and_links_to_their_fields(client, clinic):
    data = {**FORM, "name": "", "email": "ruth-at-example", "phone": "call me"}
    page = client.post(confirm_url("sciatica-relief-60", TUESDAY_10), data).content.decode()
    summary = re.search(
        r'<div class="alert alert-danger error-summary"([^>]*)>(.*?)</div>', page, re.S
    )
    assert summary, "no error summary"
    attributes, inside = summary.groups()
    assert 'role="alert"' in attributes and 'tabindex="-1"' in attributes
    assert "autofocus" in attributes  # the browser moves focus to it on load
    assert "Please check these 3 details" in inside
    assert re.findall(r'<a href="#(id_\w+)">', inside) == ["id_name", "id_email", "id_phone"]
    assert "a phone number we can call" in html.unescape(inside)
    assert page.index("error-summary") < page.index("summary-box") < page.index('id="id_name"')
    assert page.count("autofocus") == 1


def test_a_details_error_offers_what_the_form_did_and_keeps_everything_typed(client, clinic):
    url = confirm_url("sciatica-relief-60", TUESDAY_10)
    offered = client.get(url).content.decode()
    typed = {**FORM, "phone": "call me", "plan_every": "2", "plan_count": "4"}
    response = client.post(url, typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert "phone number we can call" in page
    assert "Or book a care plan" in page and "Check these dates" in page

    def controls(page):
        return sorted(set(re.findall(r'<(?:input|select|textarea|button)[^>]*name="(\w+)"', page)))

    assert controls(page) == controls(offered)
    for name in ("name", "email", "phone"):
        assert f'value="{html.escape(typed[name])}"' in page, name
    assert "Pain down the left leg when I sit." in page
    assert re.search(r'<input type="checkbox" name="accept_policy"[^>]* checked>', page)
    assert '<option value="2" selected>2 weeks</option>' in page
    assert '<option value="4" selected>4</option>' in page
    assert not Booking.objects.exists()


def test_booking_page_with_bad_parameters_explains_and_falls_back(client, clinic):
    response = client.get(
        "/book/sciatica-relief-60/", {"therapist": "hannah", "date": "08/12/2026"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "does not offer" in page and "YYYY-MM-DD" in page
    assert "Free times on" in page  # still a working page

    response = client.get("/book/sciatica-relief-60/", {"date": "2027-06-01"})
    assert response.status_code == 400 and "up to 60 days ahead" in response.content.decode()


def test_the_booking_page_uses_a_constant_number_of_queries(
    client, clinic, django_assert_max_num_queries
):
    for day in range(7, 12):
        make_booking(
            therapist=clinic["maren"],
            service=clinic["sciatica"],
            start=local(f"2026-12-{day:02}", "13:00"),
        )
    week = {"therapist": "any", "date": "2026-12-08"}
    # Twelve with the clinic's setup read afresh: therapists, their hours, services and
    # preferred rooms, the policy, services, rooms, their features, services' needs,
    # closures; then the days: time off and bookings.
    with django_assert_max_num_queries(12):
        client.get("/book/sciatica-relief-60/", week)
    for extra in range(3):
        make_therapist(slug=f"extra{extra}", name=f"Extra {extra}", services=[clinic["sciatica"]])
    with django_assert_max_num_queries(12):
        client.get("/book/sciatica-relief-60/", week)
    # A booking changes one therapist's day: the setup is in memory, the other days cached.
    make_booking(
        therapist=clinic["maren"], service=clinic["sciatica"], start=local("2026-12-09", "15:00")
    )
    with django_assert_max_num_queries(2):
        client.get("/book/sciatica-relief-60/", week)
    with django_assert_max_num_queries(10):
        client.get(confirm_url("sciatica-relief-60", TUESDAY_10))


# --- The JSON API ------------------------------------------------------------------------------


def test_api_lists_free_slots_with_offsets_and_therapists(client, clinic):
    # Maren already has a session on Tuesday, so "any" gives Tuesday's shared times to Hannah.
    make_booking(
        therapist=clinic["maren"], service=clinic["neck"], start=local("2026-12-08", "16:00")
    )
    response = client.get(
        "/api/availability",
        {"service": "neck-shoulder-30", "therapist": "any", "start": "2026-12-08", "days": "2"},
    )
    data = response.json()
    assert response.status_code == 200
    assert data["time_zone"] == "America/Denver"
    assert data["slots"][0] == {
        "start": "2026-12-08T09:00:00-07:00",
        "end": "2026-12-08T09:30:00-07:00",
        "therapist": "hannah",
    }
    wednesday = [slot for slot in data["slots"] if slot["start"].startswith("2026-12-09")]
    assert wednesday and {slot["therapist"] for slot in wednesday} == {"maren"}
    assert len(data["slots"]) == len({slot["start"] for slot in data["slots"]})

    one = client.get(
        "/api/availability",
        {"service": "neck-shoulder-30", "therapist": "maren", "start": "2026-12-08", "days": "1"},
    ).json()
    assert "2026-12-08T16:00:00-07:00" not in {slot["start"] for slot in one["slots"]}
    assert {slot["therapist"] for slot in one["slots"]} == {"maren"}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "service"),
        ({"service": "massage-of-the-month"}, "service"),
        ({"service": "sciatica-relief-60", "therapist": "hannah"}, "therapist"),
        ({"service": "sciatica-relief-60", "therapist": "ghost"}, "therapist"),
        ({"service": "sciatica-relief-60", "start": "tomorrow"}, "start"),
        ({"service": "sciatica-relief-60", "start": "2026-12-01"}, "start"),
        ({"service": "sciatica-relief-60", "days": "0"}, "days"),
        ({"service": "sciatica-relief-60", "days": "61"}, "days"),
        ({"service": "sciatica-relief-60", "days": "seven"}, "days"),
    ],
)
def test_api_bad_parameters_answer_400_naming_the_parameter(client, clinic, params, parameter):
    response = client.get("/api/availability", params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["error"]


def test_api_thirty_days_for_every_therapist_in_constant_queries(client, clinic):
    def queries_for_30_days():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                "/api/availability",
                {"service": "neck-shoulder-30", "therapist": "any", "days": "30"},
            )
        assert response.status_code == 200 and response.json()["slots"]
        return len(captured)

    two_therapists = queries_for_30_days()
    for n in range(4):
        make_therapist(slug=f"t{n}", name=f"Therapist {n}", services=[clinic["neck"]])
        make_booking(
            therapist=clinic["maren"],
            service=clinic["neck"],
            start=local(f"2026-12-{8 + n:02}", "09:00"),
        )
    # The setup (ten queries) and the days (time off, bookings): a new therapist changes the
    # setup, so both are read again, and no more than before.
    assert queries_for_30_days() == two_therapists <= 12


def test_free_times_are_served_from_cache_until_the_schedule_changes(
    client, clinic, django_assert_num_queries
):
    params = {
        "service": "sciatica-relief-60",
        "therapist": "maren",
        "start": "2026-12-08",
        "days": "1",
    }

    def starts():
        return {slot["start"] for slot in client.get("/api/availability", params).json()["slots"]}

    assert "2026-12-08T10:00:00-07:00" in starts()
    with django_assert_num_queries(0):
        starts()
    make_booking(therapist=clinic["maren"], service=clinic["sciatica"], start=TUESDAY_10)
    assert "2026-12-08T10:00:00-07:00" not in starts()
    TimeOff.objects.create(
        therapist=clinic["maren"],
        start=local("2026-12-08", "13:00"),
        end=local("2026-12-08", "17:00"),
    )
    assert not any(start >= "2026-12-08T13:00" for start in starts())


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/availability?service=sciatica-relief-60&days=%C2%B2", "days"),
        ("/api/availability?service=sciatica-relief-60&start=9999-12-30", "start"),
        ("/api/availability?service=sciatica-relief-60&start=20261208", "start"),
    ],
)
def test_api_odd_numbers_and_far_dates_are_400s(client, clinic, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


@pytest.mark.parametrize("start", ["9999-12-31T23:00", "0001-01-01T00:00"])
def test_far_start_times_are_a_clear_400(client, clinic, start):
    url = f"/book/sciatica-relief-60/confirm/?therapist=maren&start={start}"
    for response in (client.get(url), client.post(url, FORM)):
        assert response.status_code == 400
        assert "too far from today" in response.content.decode()
    assert client.get("/book/sciatica-relief-60/", {"date": "9999-12-31"}).status_code == 400


def test_pressing_enter_after_a_lost_race_books_nothing_unchosen(client, clinic):
    url = confirm_url("sciatica-relief-60", TUESDAY_10)
    make_booking(therapist=clinic["maren"], service=clinic["sciatica"], start=TUESDAY_10)
    page = client.post(url, FORM).content.decode()
    # The form's first submit button (what Enter presses) is disabled, before the time buttons.
    first_submit = page.index('type="submit"')
    assert page[first_submit:].startswith('type="submit" class="d-none" disabled')
    assert first_submit < page.index('name="choose" value=')
    # Without a chosen time, nothing is booked.
    data = {key: value for key, value in FORM.items() if key != "start"}
    assert client.post(url, data).status_code == 409
    assert Booking.objects.count() == 1


def test_phone_numbers_cannot_carry_line_breaks(client, clinic):
    response = client.post(
        confirm_url("sciatica-relief-60", TUESDAY_10), {**FORM, "phone": "406\n5550100"}
    )
    assert response.status_code == 400
    assert "phone number we can call" in response.content.decode()


def test_any_therapist_at_a_time_nobody_works_is_explained_not_called_a_race(client, clinic):
    response = client.get(
        confirm_url("neck-shoulder-30", local("2026-12-08", "19:30"), therapist="any")
    )
    assert response.status_code == 400
    assert "None of our therapists works at that time" in html.unescape(response.content.decode())


def test_closed_days_say_closed(client, clinic):
    day = local("2026-12-09", "00:00")
    Closure.objects.create(start=day, end=day + timedelta(days=1), reason="Staff training")
    page = client.get("/book/sciatica-relief-60/", {"therapist": "maren", "date": "2026-12-08"})
    page = page.content.decode()
    # Wednesday (closure), Saturday and Sunday (nobody works).
    assert page.count("closed") == 3
