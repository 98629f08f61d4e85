"""The back office as the front desk sees it in Chromium: greeted by name, the clinic's icon,
and clinic-time fields without the browser's "hours ahead of server time" note."""

import pytest
from playwright.sync_api import Page, expect

from bookings.demo import DEMO_PASSWORD, FRONT_DESK

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_front_desk_is_greeted_by_name_and_the_clinic_icon_shows(page: Page, shoot, clinic):
    sign_in(page, FRONT_DESK)
    expect(page.locator("#user-tools")).to_contain_text("Welcome, Front Desk.")
    assert page.locator("link[rel=icon]").count() == 1
    shoot("admin-home")


def test_clinic_times_carry_no_server_time_note_for_staff_elsewhere(browser, live_server, clinic):
    # A laptop set to another zone: the admin's script notes the difference on time fields.
    context = browser.new_context(base_url=live_server.url, timezone_id="Europe/London")
    page = context.new_page()
    try:
        sign_in(page, FRONT_DESK)
        page.goto("/admin/bookings/closure/add/")
        expect(
            page.get_by_text("Clinic time. Usually midnight at the start of the day.")
        ).to_be_visible()
        note = page.locator(".timezonewarning")
        expect(note.first).to_contain_text("server time")  # written by the admin's script ...
        for index in range(note.count()):
            expect(note.nth(index)).to_be_hidden()  # ... and shown to nobody
    finally:
        context.close()
