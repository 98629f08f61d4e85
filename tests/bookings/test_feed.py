"""Each therapist's private calendar subscription, and who is shown its address."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from bookings.demo import ensure_groups
from bookings.models import Booking, Therapist
from tests.factories import NOW, local, make_booking, make_client, make_therapist

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(policy, service, django_user_model):
    groups = ensure_groups()
    users = {}
    for username, group in [
        ("maren", "Therapist"),
        ("hannah", "Therapist"),
        ("desk", "Front desk"),
    ]:
        users[username] = django_user_model.objects.create_user(username=username, is_staff=True)
        users[username].groups.add(groups[group])
    maren = make_therapist(services=[service], user=users["maren"])
    hannah = make_therapist(
        slug="hannah",
        name="Hannah Kowalski",
        email="hannah@clinic.example",
        services=[service],
        user=users["hannah"],
        order=1,
    )
    return {"maren": maren, "hannah": hannah, **{f"{k}_user": v for k, v in users.items()}}


def feed_url(therapist: Therapist) -> str:
    return reverse("bookings:therapist_feed", args=[therapist.calendar_token])


def events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["uid"]).split("@")[0].removeprefix("booking-"): event
        for event in calendar.walk("VEVENT")
    }


def test_the_feed_lists_the_therapists_own_sessions_in_its_window(client, team, service):
    ruth = make_client(name="Ruth Andersen")
    upcoming = make_booking(
        therapist=team["maren"], service=service, client=ruth, start=local("2026-12-08", "10:00")
    )
    last_week = make_booking(
        therapist=team["maren"],
        service=service,
        start=local("2026-11-30", "10:00"),
        status=Booking.Status.COMPLETED,
    )
    make_booking(
        therapist=team["maren"],
        service=service,
        start=local("2026-12-09", "10:00"),
        status=Booking.Status.CANCELLED,
    )
    make_booking(therapist=team["maren"], service=service, start=NOW - timedelta(days=31))
    make_booking(therapist=team["maren"], service=service, start=NOW + timedelta(days=91))
    make_booking(therapist=team["hannah"], service=service, start=local("2026-12-08", "10:00"))

    response = client.get(feed_url(team["maren"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    found = events(response)
    assert set(found) == {upcoming.reference, last_week.reference}
    event = found[upcoming.reference]
    assert str(event["summary"]) == "Ruth Andersen: Sciatica relief massage (60 min)"
    assert event.decoded("dtstart") == local("2026-12-08", "10:00")
    assert event["dtstart"].params["TZID"] == "America/Denver"
    ical = response.content.decode()
    assert "TZID=America/Denver" in ical and "BEGIN:VTIMEZONE" in ical
    assert "X-WR-CALNAME:" in ical and "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in ical
    assert upcoming.token not in ical  # no client links in a therapist's calendar


def test_an_unknown_or_renewed_token_answers_404(client, team):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert client.get("/calendar/" + "x" * 80 + ".ics").status_code == 404

    old = feed_url(team["maren"])
    team["maren"].calendar_token = "renewed-" + "a" * 40
    team["maren"].save()
    assert client.get(old).status_code == 404
    assert client.get(feed_url(team["maren"])).status_code == 200


def test_the_feed_takes_a_constant_number_of_queries(
    client, team, service, django_assert_num_queries
):
    for day in range(8, 12):
        make_booking(
            therapist=team["maren"], service=service, start=local(f"2026-12-{day:02}", "10:00")
        )
    with django_assert_num_queries(2):
        client.get(feed_url(team["maren"]))


def test_the_address_is_shown_to_its_therapist_and_the_front_desk_only(client, team):
    absolute = settings.SITE_URL + feed_url(team["maren"])
    maren_page = reverse("admin:bookings_therapist_change", args=[team["maren"].pk])

    client.force_login(team["maren_user"])
    assert absolute in client.get(maren_page).content.decode()

    client.force_login(team["desk_user"])
    page = client.get(maren_page).content.decode()
    assert absolute in page
    assert reverse("admin:bookings_therapist_calendar_link", args=[team["maren"].pk]) in page
    # Not in the therapist list, even for the front desk.
    listing = client.get(reverse("admin:bookings_therapist_changelist")).content.decode()
    assert team["maren"].calendar_token not in listing

    client.force_login(team["hannah_user"])
    response = client.get(maren_page)
    assert response.status_code == 404
    assert team["maren"].calendar_token not in response.content.decode()
    own = client.get(reverse("admin:bookings_therapist_change", args=[team["hannah"].pk]))
    assert team["maren"].calendar_token not in own.content.decode()
    assert team["hannah"].calendar_token in own.content.decode()
