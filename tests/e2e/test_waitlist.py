"""A full day, the waitlist joined at phone width, a cancellation by another client, the
offer email's link, claimed and booked: in Chromium, with axe on every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings import services
from bookings.models import Booking, BookingPolicy, Service, Therapist, WaitlistEntry
from bookings.schedules import find_slots
from tests.e2e.support import CLIENT, axe_violations, booking_on

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_the_day(service, therapist, day) -> list[Booking]:
    """Book every free time of `therapist` on `day` for other clients."""
    booked, now, policy = [], timezone.now(), BookingPolicy.load()
    while slots := find_slots(service, therapist, day, day, now=now, policy=policy):
        booked.append(
            services.booking_create(
                service=service,
                therapist=therapist,
                start=slots[0].start,
                name=f"Other Client {len(booked)}",
                email=f"other{len(booked)}@example.com",
                phone="(406) 555-0100",
                now=now,
            )
        )
    return booked


def a_day_with_free_times(service, therapist):
    """The first day three or more days ahead with free times (outside every window)."""
    now, policy = timezone.now(), BookingPolicy.load()
    day = timezone.localdate() + timedelta(days=3)
    while not find_slots(service, therapist, day, day, now=now, policy=policy):
        day += timedelta(days=1)
    return day


def checked(page: Page, name: str) -> None:
    assert not (problems := axe_violations(page)), f"{name}: {problems}"


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_full_day_the_waitlist_a_cancellation_and_the_offer_claimed(
    page: Page, shoot, clinic, mailoutbox
):
    service = Service.objects.active().order_by("order", "duration").first()
    therapist = Therapist.objects.offering(service).order_by("order").first()
    day = a_day_with_free_times(service, therapist)
    others = fill_the_day(service, therapist, day)
    assert others

    page.goto(f"/book/{service.slug}/?therapist={therapist.slug}&date={day.isoformat()}")
    expect(page.get_by_text("No free times on this day.")).to_be_visible()
    shoot("01-a-full-day")
    checked(page, "picker")
    page.get_by_role("link", name="Join the waitlist").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    expect(page.get_by_label("Therapist")).to_have_value(therapist.slug)
    expect(page.get_by_label(day.strftime("%a"), exact=True)).to_be_checked()
    page.get_by_label("Your name").fill(CLIENT["name"])
    page.get_by_label("Email").fill(CLIENT["email"])
    page.get_by_label("Phone").fill(CLIENT["phone"])
    shoot("02-join")
    checked(page, "join")
    page.get_by_role("button", name="Join the waitlist").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")
    shoot("03-on-the-list")
    checked(page, "entry")
    entry = WaitlistEntry.objects.get(email=CLIENT["email"])
    assert any(entry.get_absolute_url() in m.body for m in mailoutbox)

    # Another client cancels: the job offers the time, and the offer is emailed.
    freed = others[len(others) // 2]
    services.booking_cancel(booking=freed, now=timezone.now())
    offer_mail = next(m for m in mailoutbox if m.to == [CLIENT["email"]] and "freed" in m.subject)
    claim = re.search(r"/waitlist/offers/[^/\s]+/", offer_mail.body).group(0)

    page.goto(claim)
    expect(page.get_by_role("heading", level=1)).to_have_text("A time has freed up for you")
    shoot("04-offer")
    checked(page, "offer")
    page.get_by_role("button", name="Book this session").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    shoot("05-booked")
    checked(page, "booked")
    booking = booking_on(page)
    assert (booking.start, booking.name, booking.therapist) == (
        freed.start,
        CLIENT["name"],
        therapist,
    )
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.BOOKED
