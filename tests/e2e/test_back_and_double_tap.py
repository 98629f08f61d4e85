"""After booking, Back and a second tap on "Book" make no second booking and show no error.

In Chromium, at a desktop and a phone size: the browser's own Back button, and a double tap
that sends the form twice before the first answer arrives.
"""

import pytest
from playwright.sync_api import Page, expect

from bookings.models import Booking
from tests.e2e.support import booking_on, choose_changeable_time, fill_details

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_back_after_booking_says_you_booked_it(page: Page, shoot, clinic):
    before = Booking.objects.count()
    page.goto("/book/sciatica-relief-60/")
    choose_changeable_time(page)
    confirm_url = page.url
    fill_details(page)
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    booking = booking_on(page)

    page.go_back()
    page.reload()  # what a phone does when it left the page: asks the server again
    expect(page.get_by_role("heading", level=1)).to_have_text("You have booked this session")
    expect(page.get_by_text("someone else")).to_have_count(0)
    shoot("back-after-booking")
    page.get_by_role("link", name="See your booking").click()
    assert page.url.endswith(booking.manage_path())
    assert Booking.objects.count() == before + 1

    page.goto(confirm_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You have booked this session")


def test_a_double_tap_books_once(page: Page, shoot, clinic):
    before = Booking.objects.count()
    page.goto("/book/sciatica-relief-60/")
    choose_changeable_time(page)
    fill_details(page)
    # Two submissions of the same form, the second before the first has answered.
    page.evaluate(
        """() => {
            const form = document.querySelector("form[method=post]");
            const send = () => fetch(form.action || location.href, {
                method: "POST", body: new FormData(form),
            }).then((answer) => [answer.status, new URL(answer.url).pathname]);
            window.__taps = Promise.all([send(), send()]);
        }"""
    )
    (first, second) = page.evaluate("() => window.__taps")
    # Both land on the booking's own page: the second is never told the time was taken.
    assert first == second and first[0] == 200 and first[1].startswith("/bookings/")
    page.get_by_role("button", name="Book this session").click()  # and a third, the usual way
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    shoot("double-tap")
    assert Booking.objects.count() == before + 1
