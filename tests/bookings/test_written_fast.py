"""What the busiest pages write by hand for speed is what Django's own helpers would write:
the time picker's links, the API's JSON, the faces on the picker and the clinic's times."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils.html import format_html_join
from hypothesis import given
from hypothesis import strategies as st

from bookings.picker import _times
from bookings.templatetags.clinic_time import time_links
from bookings.times import client_clock, client_when
from bookings.views.api import slots_json
from tests.factories import NOW, local, make_service, make_therapist

DENVER = ZoneInfo("America/Denver")
# Both of 2026's clock changes in Denver, and a year either side.
AROUND = [datetime(2026, 3, 8, 9, tzinfo=UTC), datetime(2026, 11, 1, 8, tzinfo=UTC)]
moments = st.sampled_from(AROUND).flatmap(
    lambda at: st.integers(-400 * 24 * 60, 400 * 24 * 60).map(
        lambda minutes: (at + timedelta(minutes=minutes)).astimezone(DENVER)
    )
)
slugs = st.sampled_from(["maren", "luis-echeverria", 'odd"slug\\', "ünïcode"])


@given(st.lists(moments, max_size=30), st.sampled_from(["any", "maren", "a b&c"]))
def test_the_pickers_times_link_as_urlencode_writes_them(times, therapist):
    written = _times(times, therapist)
    assert [time.query for time in written] == [
        urlencode({"therapist": therapist, "start": moment.isoformat()}) for moment in times
    ]
    assert [time.label for time in written] == [client_clock(moment) for moment in times]


@given(
    st.lists(moments, max_size=10),
    st.sampled_from(["/book/x/confirm/", "/a?b=1&c=<2>"]),
    st.sampled_from(["Tuesday December 8", "<script>", "Tom & Jerry's"]),
)
def test_the_pickers_links_are_escaped_as_format_html_would(times, confirm_url, day):
    free = _times(times, "a&b")
    assert time_links(free, confirm_url, day) == format_html_join(
        "\n",
        '<li><a href="{}?{}">{}<span class="visually-hidden"> {}</span></a></li>',
        ((confirm_url, time.query, time.label, day) for time in free),
    )


@given(
    st.lists(st.tuples(moments.map(lambda m: int(m.timestamp())), slugs, st.none()), max_size=40),
    st.sampled_from([30, 60, 90]),
)
def test_the_apis_slots_are_the_json_of_their_dicts(starts, minutes):
    starts.sort()
    length = minutes * 60
    written = slots_json(starts, length=length, tz=DENVER)
    expected = [
        {
            "start": datetime.fromtimestamp(start, DENVER).isoformat(),
            "end": datetime.fromtimestamp(start + length, DENVER).isoformat(),
            "therapist": slug,
        }
        for start, slug, _ in starts
    ]
    assert written == json.dumps(expected)


@pytest.mark.django_db
def test_the_api_answers_json_with_every_field(client, policy):
    make_therapist(services=[make_service()])
    response = client.get(
        "/api/availability", {"service": "sciatica-relief-60", "start": "2026-12-08", "days": 2}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert {key: data[key] for key in ("service", "therapist", "time_zone", "start", "days")} == {
        "service": "sciatica-relief-60",
        "therapist": "any",
        "time_zone": "America/Denver",
        "start": "2026-12-08",
        "days": 2,
    }
    assert data["slots"][0] == {
        "start": "2026-12-08T09:00:00-07:00",
        "end": "2026-12-08T10:00:00-07:00",
        "therapist": "maren",
    }


@pytest.mark.django_db
def test_the_picker_shows_a_therapists_face_as_it_is_now(client, policy):
    service = make_service()
    maren = make_therapist(services=[service])
    url = f"/book/{service.slug}/?date=2026-12-08"
    assert ">MO</text>" in client.get(url).content.decode()  # Maren Ostby's initials
    maren.name = "Karen Ostby"
    maren.save()
    page = client.get(url).content.decode()
    assert ">KO</text>" in page and ">MO</text>" not in page


def test_a_time_is_written_in_the_clinics_zone_of_the_moment():
    moment = local("2026-12-08", "10:00")
    assert client_when(moment) == "Tuesday, December 8, 2026 at 10:00 AM MST"
    with override_settings(TIME_ZONE="America/New_York"):
        assert client_when(moment) == "Tuesday, December 8, 2026 at 12:00 PM EST"
    assert client_when(moment.astimezone(UTC)) == "Tuesday, December 8, 2026 at 10:00 AM MST"
    assert client_when(NOW) == "Monday, December 7, 2026 at 8:00 AM MST"


@given(
    st.sampled_from(["Maren Ostby", "Luis Echeverría", "Tom & Jerry+Co", "a/b?c=d#e"]),
    moments,
    st.sampled_from([30, 60, 90]),
)
def test_the_google_calendar_link_is_what_urlencode_writes(therapist_name, start, minutes):
    from bookings.models import Booking, Service, Therapist
    from bookings.notifications import clinic_address, google_calendar_url
    from bookings.times import clinic_tz

    service = Service(name="Neck & shoulder massage", duration=minutes)
    therapist = Therapist(name=therapist_name)
    booking = Booking(service=service, therapist=therapist, reference="MB-7Q2X")
    booking.start, booking.end = start, start + timedelta(minutes=minutes)
    written = "%Y%m%dT%H%M%SZ"
    expected = urlencode(
        {
            "action": "TEMPLATE",
            "text": f"{service} with {therapist_name}",
            "dates": f"{start.astimezone(UTC):{written}}/{booking.end.astimezone(UTC):{written}}",
            "details": "Reference MB-7Q2X. To cancel or move it, use the link in your "
            "confirmation email.",
            "location": clinic_address(),
            "ctz": str(clinic_tz()),
        }
    )
    assert google_calendar_url(booking) == f"https://calendar.google.com/calendar/render?{expected}"
