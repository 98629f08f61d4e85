"""axe-core finds nothing on any public page, and the booking flow works with the keyboard alone.

axe runs WCAG 2.0/2.1/2.2 A and AA rules plus best practices, at a desktop and a phone size.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from articles.models import Article, Category
from bookings.models import Booking, Service, Therapist
from tests.e2e.support import (
    axe_violations,
    booking_on,
    choose_changeable_time,
    choose_first_free_time,
    fill_details,
    first_far_day,
    start_of,
)
from tests.factories import make_booking

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_axe_finds_no_violations_on_public_pages(page: Page, shoot, clinic):
    """Every public page and every booking step, errors and lost races included.

    Each page is also saved as a screenshot (artifacts/screenshots/axe_.../<viewport>/).
    """
    service = Service.objects.active().first()
    therapist = Therapist.objects.offering(service).first()
    article = Article.objects.published().filter(related_services__isnull=False).first()
    reports = []

    def check(name: str, url: str | None = None) -> None:
        if url is not None:
            page.goto(url)
        reports.append(axe_violations(page))
        shoot(f"{len(reports):02d}-{name}")

    for name, url in [
        ("home", "/"),
        ("services", "/services/"),
        ("service", service.get_absolute_url()),
        ("therapists", "/therapists/"),
        ("therapist", therapist.get_absolute_url()),
        ("articles", "/articles/"),
        ("articles-search", "/articles/?q=sciatica"),
        ("articles-category", Category.objects.first().get_absolute_url()),
        ("article", article.get_absolute_url()),
        ("not-found", "/no-such-page/"),
        ("book", "/book/"),
        ("book-service", f"/book/{service.slug}/"),
    ]:
        check(name, url)

    # Step 3 with one therapist, so that a competing booking can take the very same slot.
    page.goto(f"/book/{service.slug}/?therapist={therapist.slug}")
    start = choose_first_free_time(page)
    confirm_url = page.url
    check("confirm")
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check")
    check("confirm-with-errors")

    # Someone else books the slot while the client types: the lost-race page.
    fill_details(page)
    make_booking(therapist=therapist, service=service, start=start)
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check("confirm-lost-race")

    # The lost-race page kept the details: a nearby time comes back to confirm, then books.
    page.locator("button[name=choose]").first.click()
    expect(page.get_by_role("button", name="Book this session")).to_be_visible()
    check("confirm-nearest-time")
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    soonest_url = page.url
    check("manage-soonest")
    check("cancel-soonest", f"{soonest_url}cancel/")  # often inside the window: the policy
    check("slot-taken", confirm_url)  # the taken time's link again

    # A session far enough ahead to cancel or move online.
    page.goto(f"/book/{service.slug}/?therapist={therapist.slug}")
    choose_changeable_time(page)
    fill_details(page)
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    manage_url = page.url
    check("manage")
    check("cancel", f"{manage_url}cancel/")
    check("reschedule", f"{manage_url}reschedule/")
    new_time = time_far_from(page, booking_on(page).start)
    new_start = start_of(new_time.get_attribute("href"))
    new_time.click()
    expect(page.get_by_role("button", name="Move my booking")).to_be_visible()
    check("reschedule-confirm")
    make_booking(therapist=therapist, service=service, start=new_start)
    page.get_by_role("button", name="Move my booking").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check("reschedule-lost-race")
    page.goto(f"{manage_url}cancel/")
    page.get_by_role("button", name="Yes, cancel my booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking is cancelled")
    check("manage-cancelled")

    failures = [report for report in reports if report]
    assert not failures, "\n\n".join(failures)


def test_axe_finds_no_violations_on_my_bookings(page: Page, shoot, clinic):
    """My bookings, signed in with the emailed link, and the privacy pages."""
    upcoming = Booking.objects.filter(status="confirmed", start__gt=timezone.now())
    email = upcoming.exclude(client__email="").order_by("start").first().client.email
    reports = []

    def check(name: str, url: str | None = None) -> None:
        if url is not None:
            page.goto(url)
        reports.append(axe_violations(page))
        shoot(f"{len(reports):02d}-{name}")

    page.goto("/my/")
    check("my-form")
    page.get_by_label("Your email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check("my-link-sent")
    link = re.search(r"(/my/sign-in/[^\s/]+/)", mail.outbox[-1].body).group(1)
    check("my-sign-in", link)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    check("my-bookings")
    page.get_by_role("button", name="Resend confirmation").first.click()
    expect(page.get_by_role("status").first).to_contain_text("is on its way to you again")
    check("my-link-used", link)
    check("my-data", "/my/data/")
    check("my-erasure", "/my/erasure/")
    page.get_by_role("button", name="Yes, ask for erasure").click()
    expect(page.get_by_role("status").first).to_contain_text("We have your request")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status").first).to_contain_text("You are signed out")

    failures = [report for report in reports if report]
    assert not failures, "\n\n".join(failures)


def time_far_from(page: Page, current: datetime) -> Locator:
    """On the week picker, a free time at least 3 hours from `current`, day by day.

    A competing booking at that time then cannot overlap the client's own session.
    """
    for _ in range(10):
        times = page.locator(".times a")
        for index in range(times.count()):
            start = start_of(times.nth(index).get_attribute("href"))
            if abs(start - current) >= timedelta(hours=3):
                return times.nth(index)
        later_days = page.locator(".days li:has(> a[aria-current=date]) ~ li > a")
        if later_days.count():
            later_days.first.click()
        else:
            page.get_by_role("link", name="Next week").click()
    raise AssertionError(f"no free time 3 hours away from {current} on {page.url}")


@pytest.mark.parametrize("viewport", ["desktop"])
def test_book_and_cancel_with_the_keyboard_alone(page: Page, clinic):
    """Tab and Enter only, from the home page to a booked and then cancelled session."""
    page.goto("/")
    focused = tab_to(page, ".skip-link", presses=1)
    assert focused["text"] == "Skip to main content"

    tab_to(page, "header .btn-book")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a session")

    tab_to(page, ".choice-list a")
    page.keyboard.press("Enter")
    expect(page.locator(".steps [aria-current=step]")).to_have_text("2. Therapist and time")

    # A day at least two days ahead, so that the booking can still be cancelled online.
    while not (far_day := first_far_day(page)):
        tab_to(page, "nav[aria-label=Weeks] a[href*='date=']:last-child")
        page.keyboard.press("Enter")
    if far_day.get_attribute("aria-current") != "date":
        tab_to(page, f".days a[href='{far_day.get_attribute('href')}']")
        page.keyboard.press("Enter")
        expect(page.locator(".days a[aria-current=date]")).to_have_attribute(
            "href", far_day.get_attribute("href")
        )
    focused = tab_to(page, ".times a")
    start = start_of(focused["href"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")

    # Sending the empty form puts each error next to its field, tied to it for screen readers.
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Please check these 4 details")
    expect(page.locator(".error-summary")).to_be_focused()
    for field in ["name", "email", "phone", "accept_policy"]:
        assert_error_announced(page, f"#id_{field}")

    tab_to(page, "#id_name")
    page.keyboard.type("Ruth Andersen")
    tab_to(page, "#id_email", presses=1)
    page.keyboard.type("ruth.andersen@example.com")
    tab_to(page, "#id_phone", presses=1)
    page.keyboard.type("(406) 555-0147")
    tab_to(page, "#id_notes", presses=1)
    page.keyboard.type("Pain down the left leg.")
    tab_to(page, "#id_accept_policy", presses=1)
    page.keyboard.press("Space")
    expect(page.locator("#id_accept_policy")).to_be_checked()
    tab_to(page, "button[type=submit]", presses=1)  # the honeypot field is skipped
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    booking = booking_on(page)
    assert booking.start == start and booking.client.name == "Ruth Andersen"

    tab_to(page, "a[href$='/cancel/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your booking?")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking is cancelled")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


ON_SCREEN = """() => {
  const box = document.activeElement.getBoundingClientRect();
  return box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth;
}"""
FOCUSED = """(selector) => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    matches: el.matches(selector),
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || "").trim(),
    href: el.getAttribute("href") || "",
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth,
  };
}"""


def tab_to(page: Page, selector: str, presses: int = 60) -> dict:
    """Press Tab until an element matching `selector` has focus (at most `presses` times).

    Every element that receives focus on the way must show a visible focus indicator and be
    on screen (WCAG 2.4.7 and 2.4.11).
    """
    page.wait_for_load_state()  # the site's stylesheet too, or the focus style is the browser's
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, selector)
        if focused["tag"] == "body":  # past the last link, into the browser's own controls
            continue
        where = f"{focused['tag']} {focused['text'][:40]!r} on {page.url}"
        assert focused["outline"] or focused["shadow"], f"no visible focus on {where}"
        if not focused["onScreen"]:  # Bootstrap scrolls smoothly: let it arrive
            page.wait_for_function(ON_SCREEN, timeout=3000)
        if focused["matches"]:
            return focused
    raise AssertionError(f"{selector} not reached with {presses} presses of Tab on {page.url}")


def assert_error_announced(page: Page, field: str) -> None:
    """The field is marked invalid and described by its error message, shown right below it."""
    control = page.locator(field)
    expect(control).to_have_attribute("aria-invalid", "true")
    described_by = control.get_attribute("aria-describedby").split()
    errors = [i for i in described_by if page.locator(f"#{i}.invalid-feedback").count()]
    assert errors, f"{field} is not described by its error message"
    error = page.locator(f"#{errors[0]}")
    expect(error).to_be_visible()
    assert error.inner_text().strip()
    # Next to its field: in the same form group, below the control.
    group = control.locator("xpath=ancestor::div[starts-with(@id, 'div_')][1]")
    assert group.locator(f"#{errors[0]}").count() == 1
    assert error.bounding_box()["y"] >= control.bounding_box()["y"]
