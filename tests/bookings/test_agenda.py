"""The agenda in the admin: sessions, breaks and time off in clinic time, per role."""

import os
import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.admin.agenda_grid import build_agenda
from bookings.demo import ensure_groups
from bookings.models import Booking, Closure, TimeOff
from tests.factories import DENVER, NOW, local, make_booking, make_client, make_therapist

pytestmark = pytest.mark.django_db

AGENDA = reverse("admin:bookings_booking_agenda")
EVERY_DAY_9_TO_5 = {day: [("09:00", "17:00")] for day in range(7)}


@pytest.fixture
def team(policy, service, django_user_model):
    groups = ensure_groups()
    maren_user = django_user_model.objects.create_user(username="maren", is_staff=True)
    maren_user.groups.add(groups["Therapist"])
    desk = django_user_model.objects.create_user(username="frontdesk", is_staff=True)
    desk.groups.add(groups["Front desk"])
    maren = make_therapist(services=[service], user=maren_user)
    hannah = make_therapist(
        slug="hannah",
        name="Hannah Kowalski",
        email="hannah@clinic.example",
        services=[service],
        hours=EVERY_DAY_9_TO_5,
        order=1,
    )
    return {"maren": maren, "hannah": hannah, "maren_user": maren_user, "desk": desk}


def placed(response) -> dict:
    """Where each session sits: reference -> (therapist slug, day, first row's label, rows)."""
    lanes = response.context["lanes"]
    found = {}
    for row in response.context["rows"]:
        for cell in row.cells:
            for session in cell.sessions:
                lane = lanes[cell.lane]
                found[session.booking.reference] = (
                    lane.therapist.slug,
                    lane.day,
                    row.label,
                    cell.rowspan,
                )
    return found


def states(response, lane_index: int) -> dict[str, str]:
    """The shading of one lane: row label -> state, for rows where a cell starts."""
    found = {}
    rows = response.context["rows"]
    for index, row in enumerate(rows):
        for cell in row.cells:
            if cell.lane == lane_index:
                for offset in range(cell.rowspan):
                    found[rows[index + offset].label] = (cell.state, cell.label)
    return found


def test_the_front_desk_sees_the_whole_clinics_day_in_columns(client, team, service):
    ten = make_booking(
        therapist=team["maren"],
        service=service,
        start=local("2026-12-08", "10:00"),
        client=make_client(name="Ruth Andersen"),
    )
    afternoon = make_booking(
        therapist=team["hannah"],
        service=service,
        start=local("2026-12-08", "14:30"),
        client=make_client(name="Dan Okafor"),
    )
    make_booking(
        therapist=team["hannah"],
        service=service,
        start=local("2026-12-08", "09:00"),
        status=Booking.Status.CANCELLED,
    )
    client.force_login(team["desk"])

    response = client.get(AGENDA, {"date": "2026-12-08"})

    assert response.status_code == 200
    assert [lane.therapist.slug for lane in response.context["lanes"]] == ["maren", "hannah"]
    assert placed(response) == {
        ten.reference: ("maren", date(2026, 12, 8), "10:00 AM", 4),
        afternoon.reference: ("hannah", date(2026, 12, 8), "2:30 PM", 4),
    }
    page = response.content.decode()
    assert "Ruth Andersen" in page and "Dan Okafor" in page
    assert "10:00–11:00 AM" in page
    assert "times in Mountain Time" in page


def test_breaks_cleanup_and_time_off_are_shaded(client, team, service):
    make_booking(therapist=team["maren"], service=service, start=local("2026-12-08", "10:00"))
    TimeOff.objects.create(
        therapist=team["maren"],
        start=local("2026-12-08", "15:00"),
        end=local("2026-12-08", "17:00"),
        reason="Dentist",
    )
    client.force_login(team["desk"])

    response = client.get(AGENDA, {"date": "2026-12-08"})

    maren = states(response, 0)
    assert maren["9:00 AM"] == ("working", "")
    assert maren["11:00 AM"] == ("cleanup", "Cleanup")  # 15 minutes after the session
    assert maren["11:15 AM"] == ("working", "")
    assert maren["12:00 PM"][0] == maren["12:45 PM"][0] == "break"
    assert maren["3:00 PM"] == maren["4:45 PM"] == ("off", "Dentist")
    assert maren["8:00 AM"] == ("closed", "")
    assert "Dentist" in response.content.decode()


def test_a_clinic_closure_is_shaded_for_everyone(client, team):
    Closure.objects.create(
        start=local("2026-12-25", "00:00"), end=local("2026-12-26", "00:00"), reason="Christmas"
    )
    client.force_login(team["desk"])

    response = client.get(AGENDA, {"date": "2026-12-25"})

    for lane in (0, 1):
        assert states(response, lane)["10:00 AM"] == ("off", "Closed: Christmas")


@pytest.mark.parametrize(
    ("day", "what"),
    [("2027-03-14", "clocks go forward"), ("2026-11-01", "clocks go back")],
)
def test_sessions_sit_at_their_clinic_time_on_a_daylight_saving_day(
    client, team, service, day, what
):
    sunday = make_booking(therapist=team["hannah"], service=service, start=local(day, "10:00"))
    late = make_booking(therapist=team["hannah"], service=service, start=local(day, "15:30"))
    TimeOff.objects.create(
        therapist=team["hannah"],
        start=local(day, "12:00"),
        end=local(day, "13:00"),
        reason="Lunch run",
    )
    client.force_login(team["desk"])

    response = client.get(AGENDA, {"date": day, "therapist": "hannah"})

    found = placed(response)
    assert found[sunday.reference][2:] == ("10:00 AM", 4), what
    assert found[late.reference][2:] == ("3:30 PM", 4), what
    hannah = states(response, 0)
    assert hannah["12:00 PM"] == hannah["12:45 PM"] == ("off", "Lunch run")
    assert hannah["1:00 PM"] == ("working", "")
    assert "10:00–11:00 AM" in response.content.decode()


def test_the_week_across_a_daylight_saving_change_keeps_every_day_right(client, team, service):
    # Monday 2027-03-08 is in MST, Sunday 2027-03-14 in MDT.
    monday = make_booking(
        therapist=team["hannah"], service=service, start=local("2027-03-08", "10:00")
    )
    sunday = make_booking(
        therapist=team["hannah"], service=service, start=local("2027-03-14", "10:00")
    )
    client.force_login(team["desk"])

    response = client.get(AGENDA, {"date": "2027-03-10", "view": "week", "therapist": "hannah"})

    assert [lane.day for lane in response.context["lanes"]] == [
        date(2027, 3, 8 + offset) for offset in range(7)
    ]
    assert placed(response) == {
        monday.reference: ("hannah", date(2027, 3, 8), "10:00 AM", 4),
        sunday.reference: ("hannah", date(2027, 3, 14), "10:00 AM", 4),
    }


def test_the_grid_marks_wall_times_that_do_not_exist():
    """A clinic open at night: the skipped hour of the spring change is shown as such."""
    from bookings.models import Therapist, WorkingHours

    night = Therapist(pk=1, slug="night", name="Night Owl")
    hours = [WorkingHours(therapist=night, weekday=6, start=time(0, 0), end=time(6, 0))]
    night._prefetched_objects_cache = {"hours": hours}

    _lanes, rows = build_agenda(
        [night],
        [date(2027, 3, 14)],
        bookings=[],
        time_off=[],
        closures=[],
        tz=DENVER,
        now=NOW,
        session_url=str,
    )

    labels = {}
    for index, row in enumerate(rows):
        for cell in row.cells:
            for offset in range(cell.rowspan):
                labels[rows[index + offset].label] = cell.state
    assert labels["1:45 AM"] == "working"
    assert labels["2:00 AM"] == labels["2:45 AM"] == "gap"
    assert labels["3:00 AM"] == "working"


def test_a_therapist_opens_on_their_own_day_and_sees_no_one_else(client, team, service):
    mine = make_booking(
        therapist=team["maren"],
        service=service,
        start=local("2026-12-07", "13:00"),
        client=make_client(name="Ruth Andersen"),
    )
    make_booking(
        therapist=team["hannah"],
        service=service,
        start=local("2026-12-07", "13:00"),
        client=make_client(name="Dan Okafor"),
    )
    client.force_login(team["maren_user"])

    response = client.get(AGENDA)

    assert response.status_code == 200
    assert [(lane.therapist.slug, lane.day) for lane in response.context["lanes"]] == [
        ("maren", date(2026, 12, 7))
    ]
    assert list(placed(response)) == [mine.reference]
    page = response.content.decode()
    assert "Dan Okafor" not in page and "Hannah" not in page
    assert client.get(AGENDA, {"therapist": "hannah"}).status_code == 404
    week = client.get(AGENDA, {"view": "week"})
    assert {lane.therapist.slug for lane in week.context["lanes"]} == {"maren"}


def test_navigation_links_move_by_day_and_week(client, team):
    client.force_login(team["desk"])

    day = client.get(AGENDA, {"date": "2026-12-08", "therapist": "maren"}).context
    week = client.get(AGENDA, {"date": "2026-12-08", "view": "week"}).context

    assert day["previous_url"] == "?date=2026-12-07&view=day&therapist=maren"
    assert day["next_url"] == "?date=2026-12-09&view=day&therapist=maren"
    assert week["next_url"] == "?date=2026-12-15&view=week"
    assert [lane.day for lane in week["lanes"]][:1] == [date(2026, 12, 7)]
    assert len(week["lanes"]) == 14  # 7 days, 2 therapists each


def test_a_bad_date_is_explained_and_today_shown(client, team):
    client.force_login(team["desk"])
    response = client.get(AGENDA, {"date": "08/12/2026"})
    assert response.status_code == 400
    assert "is not a date written as YYYY-MM-DD" in response.content.decode()
    assert response.context["chosen"] == date(2026, 12, 7)


def test_the_front_desk_can_book_from_an_empty_slot(client, team):
    client.force_login(team["desk"])
    page = client.get(AGENDA, {"date": "2026-12-08"}).content.decode()
    assert (
        "/admin/bookings/booking/add/?therapist=maren&amp;date=2026-12-08&amp;time=09%3A00" in page
    )

    client.force_login(team["maren_user"])
    assert "/admin/bookings/booking/add/" not in client.get(AGENDA).content.decode()


def add_links(response, lane_index: int) -> dict[str, str]:
    """The "+ Book" links of one lane: row label -> booking form address, where offered."""
    return {
        row.label: cell.add_url
        for row in response.context["rows"]
        for cell in row.cells
        if cell.lane == lane_index and cell.add_url
    }


def test_book_is_offered_only_on_future_working_rows(client, team):
    TimeOff.objects.create(
        therapist=team["maren"],
        start=local("2026-12-07", "15:00"),
        end=local("2026-12-07", "16:00"),
        reason="Dentist",
    )
    client.force_login(team["desk"])

    with time_machine.travel(local("2026-12-07", "10:20"), tick=False):
        response = client.get(AGENDA, {"date": "2026-12-07", "therapist": "maren"})

    maren = states(response, 0)
    links = add_links(response, 0)
    # Earlier today, including the row already under way: booking would fail.
    assert maren["9:00 AM"] == maren["10:15 AM"] == ("working", "")
    assert "9:00 AM" not in links and "10:15 AM" not in links
    assert links["10:30 AM"].endswith("therapist=maren&date=2026-12-07&time=10%3A30")
    # The lunch break, time off and after hours offer nothing either.
    assert maren["12:00 PM"][0] == "break"
    assert not {"12:00 PM", "12:45 PM", "3:00 PM", "3:45 PM", "5:00 PM"} & set(links)
    assert {"11:45 AM", "1:00 PM", "2:45 PM", "4:00 PM", "4:45 PM"} <= set(links)
    page = response.content.decode()
    assert "time=09%3A00" not in page and "time=12%3A00" not in page


def test_the_agenda_is_printable_and_keeps_to_the_content_security_policy(client, team, service):
    make_booking(therapist=team["maren"], service=service, start=local("2026-12-08", "10:00"))
    client.force_login(team["desk"])

    page = client.get(AGENDA, {"date": "2026-12-08"}).content.decode()

    assert "css/admin-agenda.css" in page
    assert " style=" not in page and "<style" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert 'rowspan="4"' in page


def test_the_admin_links_to_the_agenda_everywhere(client, team):
    client.force_login(team["maren_user"])
    page = client.get(reverse("admin:bookings_therapist_changelist")).content.decode()
    assert f'href="{AGENDA}"' in page


def agenda_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(AGENDA, params).status_code == 200
    return len(queries)


def test_the_agenda_uses_a_constant_number_of_queries(client, team, service):
    client.force_login(team["desk"])
    day = agenda_queries(client, date="2026-12-08")
    week = agenda_queries(client, date="2026-12-08", view="week")

    for extra in range(3):
        make_therapist(slug=f"extra{extra}", name=f"Extra {extra}", services=[service], email="")
    for start_day in range(7, 14):
        for therapist in (team["maren"], team["hannah"]):
            make_booking(
                therapist=therapist,
                service=service,
                start=datetime.combine(date(2026, 12, start_day), time(9, 0), tzinfo=DENVER),
            )
        TimeOff.objects.create(
            therapist=team["hannah"],
            start=local(f"2026-12-{start_day:02}", "15:00"),
            end=local(f"2026-12-{start_day:02}", "16:00"),
        )

    assert agenda_queries(client, date="2026-12-08") == day
    assert agenda_queries(client, date="2026-12-08", view="week") == week
    assert day <= 12

    client.force_login(team["maren_user"])
    # 13: one of them reads the sessions' health form states (care/), whatever their number.
    assert agenda_queries(client, date="2026-12-08", view="week") <= 13


@pytest.mark.parametrize(
    "params",
    [
        {"date": "9999-12-31", "view": "week"},
        {"date": "9999-12-31"},
        {"date": "0001-01-01"},
        {"date": "0001-01-01", "view": "week"},
        {"date": "2031-12-08"},  # more than five years ahead
        {"date": "2021-12-06", "view": "week"},  # more than five years back
    ],
)
def test_a_date_far_from_today_is_explained_and_today_shown(client, team, params):
    client.force_login(team["desk"])

    response = client.get(AGENDA, params)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The agenda shows dates from Dec 7, 2021 to Dec 7, 2031, not “" in page
    assert response.context["chosen"] == date(2026, 12, 7)
    assert 'min="2021-12-07" max="2031-12-07"' in page  # the date picker offers the same


@pytest.mark.parametrize("day", ["2021-12-07", "2031-12-07"])
def test_the_agenda_shows_dates_up_to_five_years_either_side(client, team, day):
    client.force_login(team["desk"])

    response = client.get(AGENDA, {"date": day, "view": "week"})

    assert response.status_code == 200
    assert response.context["chosen"] == date.fromisoformat(day)


AGENDA_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "admin-agenda.css"
PHONE_LAYOUT = """() => {
    const right = (selector) => [...document.querySelectorAll(selector)].map(
        (element) => element.getBoundingClientRect().right);
    const box = document.querySelector(".agenda-scroll");
    return {
        page: document.documentElement.scrollWidth,
        viewport: innerWidth,
        links: right("#header a"),
        box: box.clientWidth,
        grid: box.scrollWidth,
    };
}"""


def css_block(css: str, selector: str, *, after: str = "") -> str:
    """The declarations of the first rule for `selector` found after the text `after`."""
    start = css.index(after) if after else 0
    match = re.compile(rf"(?m)^\s*{re.escape(selector)} {{([^}}]*)}}").search(css, start)
    assert match, f"no rule for {selector}"
    return match.group(1)


def test_on_a_phone_the_grid_scrolls_in_its_box_and_the_header_links_wrap():
    """What the real-browser test below checks, held in place for runs without a browser."""
    css = AGENDA_CSS.read_text()
    # Django stacks the header in a column below 1025px; wrapping there starts a second
    # column off to the right, which cut the "Agenda" link off on phones.
    phone = "@media (max-width: 1024px)"
    assert "flex-wrap: nowrap" in css_block(css, "#header", after=phone)
    assert "flex-basis: auto" in css_block(css, ".clinic-nav", after=phone)
    # Visually hidden labels are absolutely positioned: without a positioned scroll box they
    # escaped it and widened the whole page.
    scroll = css_block(css, ".agenda-scroll")
    assert "overflow-x: auto" in scroll
    assert "position: relative" in scroll


@pytest.mark.e2e
@pytest.mark.skipif(os.environ.get("E2E") != "1", reason="real-browser test: run with E2E=1")
@pytest.mark.parametrize("view", ["day", "week"])
def test_on_a_phone_the_page_does_not_scroll_sideways(
    live_server, client, settings, team, service, view
):
    from playwright.sync_api import sync_playwright

    make_booking(therapist=team["maren"], service=service, start=local("2026-12-08", "10:00"))
    client.force_login(team["desk"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        try:
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
            )
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            page.goto(f"{AGENDA}?date=2026-12-08&view={view}")
            layout = page.evaluate(PHONE_LAYOUT)
        finally:
            browser.close()

    assert layout["viewport"] == 390
    assert layout["page"] <= 390, layout
    assert max(layout["links"]) <= 390, layout  # every header link is on screen
    assert layout["grid"] > layout["box"]  # the grid scrolls inside its box instead
