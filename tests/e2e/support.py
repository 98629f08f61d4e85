"""Helpers shared by the browser tests: axe-core checks and the steps of the booking flow."""

import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from bookings.models import Booking

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22a",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}
_axe = Axe()

CLIENT = {
    "name": "Ruth Andersen",
    "email": "ruth.andersen@example.com",
    "phone": "(406) 555-0147",
    "notes": "Pain down the left leg when I sit for long.",
}


def booking_on(page: Page) -> Booking:
    """The booking whose private page (or one of its sub-pages) the browser shows."""
    return Booking.objects.get(token=re.search(r"/bookings/([^/]+)/", page.url).group(1))


def axe_violations(page: Page) -> str:
    """A readable report of the page's axe violations, or "" when there are none."""
    results = _axe.run(page, options=AXE_OPTIONS)
    if not results.violations_count:
        return ""
    return f"{page.url}\n{results.generate_report()}"


def start_of(link_or_url: str) -> datetime:
    """The aware `start` in a time link's query string."""
    return datetime.fromisoformat(parse_qs(urlsplit(link_or_url).query)["start"][0])


def choose_first_free_time(page: Page) -> datetime:
    """On the week picker, click the first free time shown; return its start."""
    first = page.locator(".times a").first
    expect(first).to_be_visible()
    start = start_of(first.get_attribute("href"))
    first.click()
    return start


def fill_details(page: Page, **overrides) -> None:
    details = {**CLIENT, **overrides}
    page.get_by_label("Your name").fill(details["name"])
    page.get_by_label("Email").fill(details["email"])
    page.get_by_label("Phone").fill(details["phone"])
    page.get_by_label("Notes for your therapist").fill(details["notes"])
    page.get_by_label("I accept the cancellation policy").check()


def first_far_day(page: Page) -> Locator | None:
    """The week picker's first day link at least two days ahead, or None.

    The first free time is often today or tomorrow, inside the cancellation window, when a
    booking can no longer be cancelled or moved online; the tests that do so book later.
    """
    earliest = timezone.localdate() + timedelta(days=2)
    days = page.locator(".days a")
    for index in range(days.count()):
        href = days.nth(index).get_attribute("href")
        if date.fromisoformat(parse_qs(urlsplit(href).query)["date"][0]) >= earliest:
            return days.nth(index)
    return None


def choose_changeable_time(page: Page) -> datetime:
    """On the week picker, click the first free time at least two days ahead."""
    for _ in range(5):
        day = first_far_day(page)
        if day is not None:
            if day.get_attribute("aria-current") != "date":
                day.click()
            return choose_first_free_time(page)
        page.get_by_role("link", name="Next week").click()
    raise AssertionError(f"no free day two or more days ahead on {page.url}")
