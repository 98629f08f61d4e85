"""A client books from an article, cancels, books again and moves the session, in Chromium.

Runs at a desktop size and at a phone size; every step is saved as a screenshot in
artifacts/screenshots/book_from_an_article_cancel_then_book_and_move/<viewport>/ for
review.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from articles.models import Article
from bookings.models import Booking
from tests.e2e.support import (
    CLIENT,
    booking_on,
    choose_changeable_time,
    fill_details,
    start_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_book_from_an_article_cancel_then_book_and_move(page: Page, shoot, clinic, mailoutbox):
    article = Article.objects.published().filter(related_services__active=True).distinct().first()
    service = article.related_services.filter(active=True).order_by("order", "duration").first()

    # An article's call to action leads to the week picker for its service.
    page.goto("/articles/")
    shoot("01-articles")
    page.get_by_role("link", name=article.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    cta = page.get_by_role("link", name=f"Book {service.name}, {service.duration} minutes")
    cta.scroll_into_view_if_needed()
    shoot("02-article")
    cta.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(service.name)
    expect(page.locator(".steps [aria-current=step]")).to_have_text("2. Therapist and time")
    shoot("03-choose-a-time")

    # The first free time far enough ahead to change online, then the client's details.
    choose_changeable_time(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    start = start_of(page.url)
    shoot("04-your-details")
    fill_details(page)
    shoot("05-details-filled")
    page.get_by_role("button", name="Book this session").click()

    # The confirmation: the private booking page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    # The email is queued or, with the test's tasks run at once, already sent.
    expect(page.locator(".lead")).to_contain_text(
        re.compile(rf"(on its way to|emailed the details to) {re.escape(CLIENT['email'])}")
    )
    expect(page.locator(".alert-success")).to_have_count(0)  # said once, not in a banner too
    booking = booking_on(page)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.start == start and booking.service == service
    assert booking.client.email == CLIENT["email"]
    expect(page.get_by_text(booking.reference)).to_be_visible()
    assert [CLIENT["email"]] in [message.to for message in mailoutbox]
    shoot("06-booked")

    # Cancel it, behind a confirmation page.
    page.get_by_role("link", name="Cancel this booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your booking?")
    page.get_by_label("Reason (optional)").fill("Something came up at work.")
    shoot("07-cancel")
    page.get_by_role("button", name="Yes, cancel my booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking is cancelled")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    shoot("08-cancelled")

    # Book another session, then move it to a different time.
    page.get_by_role("link", name="Book a new session").click()
    choose_changeable_time(page)
    fill_details(page)
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    second = booking_on(page)
    assert second.pk != booking.pk and second.status == Booking.Status.CONFIRMED
    shoot("09-booked-again")

    page.get_by_role("link", name="Choose a new time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move your booking")
    shoot("10-move")
    times = page.locator(".times a")
    expect(times.first).to_be_visible()
    other = next(
        times.nth(i)
        for i in range(times.count())
        if start_of(times.nth(i).get_attribute("href")) != second.start
    )
    new_start = start_of(other.get_attribute("href"))
    other.click()
    expect(page.get_by_role("button", name="Move my booking")).to_be_visible()
    shoot("11-confirm-move")
    page.get_by_role("button", name="Move my booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session has moved")
    expect(page.locator(".lead")).to_contain_text("The new time is on its way")
    second.refresh_from_db()
    assert second.start == new_start and second.status == Booking.Status.CONFIRMED
    shoot("12-moved")
