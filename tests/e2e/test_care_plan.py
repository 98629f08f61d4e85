"""A six-week care plan booked on a phone in Chromium: every date checked, then booked at once."""

import pytest
from playwright.sync_api import Page, expect

from bookings.models import Booking, Series
from tests.e2e.support import axe_violations, booking_on, choose_changeable_time, fill_details

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_six_week_care_plan_on_a_phone(page: Page, shoot, clinic):
    therapist = "maren-ostby"
    page.goto(f"/book/sciatica-relief-60/?therapist={therapist}")
    choose_changeable_time(page)
    fill_details(page)
    page.get_by_text("Or book a care plan").click()
    page.get_by_label("Every").select_option("1")
    page.get_by_label("Sessions in all").select_option("6")
    shoot("01-plan-chosen")
    reports = [axe_violations(page)]
    page.get_by_role("button", name="Check these dates").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your care plan")
    expect(page.locator(".plan-dates > li")).to_have_count(6)
    shoot("02-review")
    reports.append(axe_violations(page))
    page.get_by_role("button", name="Book these sessions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your care plan is booked")
    expect(page.locator(".lead")).to_contain_text("An email with every date is on its way")
    shoot("03-booked")
    reports.append(axe_violations(page))
    booking = booking_on(page)
    series = Series.objects.get(pk=booking.series_id)
    assert series.every_weeks == 1
    assert 2 <= Booking.objects.filter(series=series).count() <= 6
    assert not any(reports), "\n".join(r for r in reports if r)
