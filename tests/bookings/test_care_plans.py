"""Care plans: the same session every few weeks, every date checked, booked all or none."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from icalendar import Calendar

from bookings import care_plans, services
from bookings.models import Booking, Series
from tests.bookings.test_people import form_key
from tests.bookings.test_services import race
from tests.factories import NOW, local, make_booking, make_service, make_therapist

TUESDAY_10 = local("2026-12-08", "10:00")
CONFIRM = "/book/sciatica-relief-60/confirm/?" + urlencode(
    {"therapist": "maren", "start": TUESDAY_10.isoformat()}
)
DETAILS = {
    "name": "Ruth Andersen",
    "email": "ruth@example.com",
    "phone": "(406) 555-0147",
    "notes": "Left leg, worse sitting.",
    "accept_policy": "on",
    "website": "",
    "start": TUESDAY_10.isoformat(),
}


@pytest.fixture
def maren(db, policy):
    return make_therapist(slug="maren", services=[make_service()])


def review(client, **plan):
    return client.post(
        CONFIRM, {**DETAILS, "plan_every": "1", "plan_count": "6", "plan": "1", **plan}
    )


def book_plan(client, picked: dict, **extra):
    """Book the reviewed plan with the dates `picked` (date_N: a start or "skip")."""
    return client.post(
        CONFIRM,
        {
            **DETAILS,
            "plan_every": "1",
            "plan_count": "6",
            "plan_therapist": "maren",
            "book_plan": "1",
            **picked,
            **extra,
        },
    )


def choices(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="(date_\d+)" id="[^"]+" value="([^"]+)"', page):
        found.setdefault(name, []).append(value)
    return found


@pytest.mark.django_db
def test_the_review_shows_every_date_and_alternatives_for_a_taken_one(client, maren):
    taken = local("2026-12-22", "10:00")  # the third Tuesday
    make_booking(therapist=maren, service=maren.services.get(), start=taken)
    response = review(client)
    page = response.content.decode()
    assert response.status_code == 200 and "Check your care plan" in page
    dates = choices(page)
    assert len(dates) == 6
    assert dates["date_1"] == [TUESDAY_10.isoformat(), "skip"]
    assert taken.isoformat() not in dates["date_3"] and len(dates["date_3"]) > 2
    assert all(value.startswith("2026-12-22") for value in dates["date_3"][:-1])
    assert "10:00 AM is taken" in page
    assert 'value="Ruth Andersen"' in page  # what was typed travels with the form
    assert not Series.objects.exists() and Booking.objects.count() == 1


@pytest.mark.django_db
def test_booking_the_plan_books_every_chosen_date_with_one_email_and_calendar(
    client, maren, django_capture_on_commit_callbacks
):
    page = review(client).content.decode()
    picked = {name: values[0] for name, values in choices(page).items()}
    picked["date_6"] = "skip"
    with django_capture_on_commit_callbacks(execute=True):
        response = book_plan(client, picked)
    series = Series.objects.get()
    sessions = list(series.bookings.order_by("start"))
    assert response.status_code == 302 and response["Location"] == sessions[0].manage_path()
    assert [b.start.astimezone(TUESDAY_10.tzinfo).date().isoformat() for b in sessions] == [
        "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05",
    ]  # fmt: skip
    assert {b.therapist for b in sessions} == {maren}
    to_client = [m for m in mail.outbox if m.to == ["ruth@example.com"]]
    assert len(to_client) == 1 and "5 sessions" in to_client[0].subject
    (_name, ics, _type) = to_client[0].attachments[0]
    events = Calendar.from_ical(ics).walk("VEVENT")
    assert len(events) == 5 and len({str(e["uid"]) for e in events}) == 5
    assert all(e["dtstart"].params["TZID"] == "America/Denver" for e in events)
    # The first session's page says it once, in its heading and intro, with no banner too.
    page = client.get(response["Location"]).content.decode()
    top = " ".join(re.sub(r"<[^>]+>", " ", page.split('<div class="summary-box')[0]).split())
    assert top.endswith(
        "Your care plan is booked 5 sessions are booked. An email with every date is on its "
        "way to ruth@example.com."
    )
    assert "alert-success" not in page


@pytest.mark.django_db
def test_a_date_taken_meanwhile_books_nothing_and_returns_to_the_review(client, maren):
    page = review(client).content.decode()
    picked = {name: values[0] for name, values in choices(page).items()}
    make_booking(therapist=maren, service=maren.services.get(), start=local("2026-12-29", "10:00"))
    response = book_plan(client, picked)
    page = response.content.decode()
    assert response.status_code == 409
    assert "The session on Tuesday, December 29 has just been taken, so nothing is booked" in page
    assert not Series.objects.exists() and Booking.objects.count() == 1
    assert 'value="Ruth Andersen"' in page


@pytest.mark.django_db(transaction=True)
def test_a_plan_and_a_single_booking_racing_for_one_date_never_book_part_of_the_plan(policy):
    service = make_service()
    maren = make_therapist(slug="maren", services=[service])
    starts = [local(day, "10:00") for day in ("2026-12-08", "2026-12-15", "2026-12-22")]

    def attempt(number):
        if number == 0:
            care_plans.series_create(
                service=service,
                therapist=maren,
                starts=starts,
                every_weeks=1,
                name="Ruth Andersen",
                email="ruth@example.com",
                phone="(406) 555-0147",
                now=NOW,
            )
        else:
            services.booking_create(
                service=service,
                therapist=maren,
                start=starts[2],
                name=f"Client {number}",
                email=f"c{number}@example.com",
                phone="(406) 555-0100",
                now=NOW,
            )

    outcomes = race(6, attempt)

    assert outcomes["booked"] == 1, outcomes
    booked = Booking.objects.active()
    plan = booked.filter(series__isnull=False)
    assert plan.count() in (0, 3)  # all or none
    assert booked.filter(start=starts[2]).count() == 1


@pytest.mark.django_db
def test_a_plan_is_cancelled_from_one_date_on(client, maren, django_capture_on_commit_callbacks):
    series = care_plans.series_create(
        service=maren.services.get(),
        therapist=maren,
        starts=[local(day, "10:00") for day in ("2026-12-08", "2026-12-15", "2026-12-22")],
        every_weeks=1,
        name="Ruth Andersen",
        email="ruth@example.com",
        phone="(406) 555-0147",
        now=NOW,
    )
    first, second, third = series.bookings.order_by("start")
    url = f"/bookings/{second.token}/cancel-plan/"
    page = client.get(url).content.decode()
    assert second.reference in page and third.reference in page and first.reference not in page
    assert Booking.objects.active().count() == 3  # asking changed nothing
    assert client.post(url).status_code == 302
    assert list(Booking.objects.active()) == [first]


@pytest.mark.django_db
def test_a_form_that_booked_one_session_can_still_book_a_plan(
    client, maren, django_capture_on_commit_callbacks
):
    """Booked once, then back to the same form for a care plan: the form's key belongs to
    the single booking, so the plan is booked as a request of its own, its dates checked."""
    page = client.get(CONFIRM).content.decode()
    key = form_key(page)
    with django_capture_on_commit_callbacks(execute=True):
        single = client.post(CONFIRM, {**DETAILS, "form_key": key})
    first = Booking.objects.get(start=TUESDAY_10, name="Ruth Andersen")
    assert single.status_code == 302 and single["Location"] == first.manage_path()

    page = review(client, form_key=key).content.decode()
    picked = {name: values[0] for name, values in choices(page).items()}
    assert picked["date_1"] != TUESDAY_10.isoformat()  # her own booking holds that time now
    picked["date_1"] = "skip"
    with django_capture_on_commit_callbacks(execute=True):
        response = book_plan(client, picked, form_key=key)
    series = Series.objects.get()
    sessions = list(series.bookings.order_by("start"))
    assert response.status_code == 302 and response["Location"] == sessions[0].manage_path()
    assert len(sessions) == 5 and first not in sessions
    first.refresh_from_db()
    assert first.status == Booking.Status.CONFIRMED and first.series is None
