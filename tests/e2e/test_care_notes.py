"""A therapist signs a treatment note with aftercare at desktop width; the next morning the
client opens the aftercare email's page on a phone, answers "How do you feel today?" and
sees their progress chart. axe finds nothing on any page. Screenshots are in
artifacts/screenshots/sign_a_note_then_aftercare_on_a_phone/.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.demo import DEMO_PASSWORD
from bookings.models import Booking, Therapist
from bookings.times import clinic_tz
from care.aftercare import aftercare_send
from care.models import Outcome, TreatmentNote
from tests.e2e.conftest import CHROMIUM_ARGS, VIEWPORTS  # noqa: F401 - the same browser
from tests.e2e.support import axe_violations
from tests.factories import make_booking, make_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def yesterdays_session() -> Booking:
    maren = Therapist.objects.get(user__username="maren")
    day = timezone.now().astimezone(clinic_tz()).date() - timedelta(days=1)
    start = datetime.combine(day, time(6, 0), tzinfo=clinic_tz())
    client = make_client(name="Nora Whitfield", email="nora.whitfield@example.com")
    service = maren.services.filter(kind="sciatica").first()
    return make_booking(
        therapist=maren, service=service, client=client, start=start, status="completed"
    )


@pytest.mark.parametrize("viewport", ["desktop"])
def test_sign_a_note_then_aftercare_on_a_phone(page: Page, shoot, clinic, browser, live_server):
    booking = yesterdays_session()
    reports = []

    def check(tab, name: str) -> None:
        reports.append(axe_violations(tab))

    # The therapist, at desktop width, from the booking's page.
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("maren")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/bookings/booking/{booking.pk}/change/")
    page.get_by_role("link", name="Write the treatment note").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment note")
    check(page, "note-form")
    shoot("01-note-form")
    page.get_by_label("Subjective").fill("Ache down the left leg after the drive home.")
    page.get_by_label("Objective").fill("Tight left piriformis; gluteal trigger points.")
    page.get_by_label("Deep tissue").check()
    page.get_by_label("Trigger point therapy").check()
    page.locator("#id_plan").fill("Weekly for three weeks, then review.")
    page.get_by_label("Pain now, after the session").select_option("3")
    page.get_by_label("Activity 1 the client finds hard").fill("Sitting through a workday")
    page.get_by_label("How well they can do activity 1").select_option("4")
    page.get_by_label("Home-care note for the client").fill("Walk for two minutes every half hour.")
    page.locator(".note-choices").filter(has_text="Home-care articles").locator(
        "input"
    ).first.check()
    page.get_by_label("Suggested next visit").select_option("1")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Draft saved.")
    expect(page.get_by_label("Subjective")).to_have_value(
        "Ache down the left leg after the drive home."
    )
    page.get_by_role("button", name="Sign").click()
    expect(page.locator(".messagelist")).to_contain_text("Note signed.")
    expect(page.locator(".note-signature")).to_contain_text("Signed by Maren Ostby")
    check(page, "note-signed")
    shoot("02-note-signed")

    # The next morning the job emails the client.
    local = booking.start.astimezone(clinic_tz())
    morning = datetime.combine(local.date() + timedelta(days=1), time(8, 30), tzinfo=clinic_tz())
    mail.outbox.clear()
    assert aftercare_send(now=morning) >= 1  # the demo clinic's own example may be due too
    (email,) = [m for m in mail.outbox if m.to == [booking.email]]
    body = email.body
    assert "Walk for two minutes every half hour." in body and "piriformis" not in body
    link = re.search(r"https?://[^\s]+(/bookings/[^\s]+/aftercare/\?k=\w+)", body).group(1)

    # The client, on a phone.
    context = browser.new_context(base_url=live_server.url, locale="en-US", **VIEWPORTS["phone"])
    phone = context.new_page()
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1)).to_have_text("How do you feel today?")
        expect(phone.get_by_text("Walk for two minutes every half hour.")).to_be_visible()
        check(phone, "aftercare")
        phone.screenshot(path=shoot("03-desktop-done").parent / "04-aftercare-phone.png")
        phone.get_by_role("button", name="2", exact=True).click()
        expect(phone.get_by_text("You told us 2 out of 10 today")).to_be_visible()
        expect(phone.locator("svg.progress-svg")).to_be_visible()
        expect(phone.locator(".progress-table")).to_contain_text("4")
        check(phone, "aftercare-answered")
        phone.screenshot(
            path=shoot("05-desktop-done").parent / "06-progress-phone.png", full_page=True
        )
        book = phone.get_by_role("link", name="Book your next session")
        expect(book).to_have_attribute("href", re.compile(r"therapist=maren.*&date=\d{4}-"))
    finally:
        context.close()
    assert not errors, errors
    outcome = Outcome.objects.get(booking=booking, measure="pain_next_day")
    assert outcome.value["score"] == 2
    assert TreatmentNote.objects.get(booking=booking).locked

    failures = [report for report in reports if report]
    assert not failures, "\n\n".join(failures)
