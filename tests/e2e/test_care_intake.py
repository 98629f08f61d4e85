"""A new client books, then fills in the health form at phone width, in Chromium.

Every page of the form (each step, an error, going back, the result) passes axe-core; the
screenshots are in artifacts/screenshots/fill_in_the_health_form_at_phone_width/phone/.
"""

import pytest
from playwright.sync_api import Page, expect

from care.models import Intake
from care.services import health_form
from tests.e2e.support import axe_violations, booking_on, choose_first_free_time, fill_details

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_CLIENT = {"name": "Nora Whitfield", "email": "nora.whitfield@example.com"}


def answer_no_to_every_question(page: Page) -> None:
    for fieldset in page.locator(".care-yes-no fieldset").all():
        fieldset.get_by_label("No", exact=True).check()


@pytest.mark.parametrize("viewport", ["phone"])
def test_fill_in_the_health_form_at_phone_width(page: Page, shoot, clinic):
    reports = []

    def check(name: str) -> None:
        reports.append(axe_violations(page))
        shoot(f"{len(reports):02d}-{name}")

    # A new client books a session.
    page.goto("/book/")
    page.locator(".choice-list a").first.click()
    choose_first_free_time(page)
    fill_details(page, **NEW_CLIENT)
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    booking = booking_on(page)
    expect(page.get_by_role("heading", name="Your health form: missing")).to_be_visible()
    check("booked")

    # The confirmation page offers the form at once.
    page.get_by_role("link", name="Fill in my health form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your health form")
    check("start")
    page.get_by_role("link", name="Start my health form").click()

    # 1. About you
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    check("about")
    page.get_by_label("Date of birth").fill("1984-09-30")
    page.get_by_label("Name").fill("Sam Whitfield")
    page.get_by_label("Phone").fill("(406) 555-0123")
    page.get_by_label("How they are related to you (optional)").fill("Brother")
    page.get_by_label("An article on this website").check()
    page.get_by_role("button", name="Save and continue").click()

    # 2. Where it hurts: a pain of 11 is explained, and nothing typed is lost.
    expect(page.get_by_role("heading", level=1)).to_have_text("Where it hurts")
    check("pain")
    page.get_by_label("Lower back").check()
    page.get_by_label("Right leg").check()
    page.get_by_label("How bad is the pain right now?").fill("11")
    page.get_by_label("What makes it worse? (optional)").fill("Standing at the grill all day")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Please choose a number from 0")
    expect(page.get_by_label("What makes it worse? (optional)")).to_have_value(
        "Standing at the grill all day"
    )
    expect(page.get_by_label("Right leg")).to_be_checked()
    expect(page.locator(".error-summary")).to_be_focused()
    check("pain-error")
    page.get_by_label("How bad is the pain right now?").fill("7")
    page.get_by_label("More than 3 months").check()
    page.get_by_role("button", name="Save and continue").click()

    # 3. Health history, then back to step 2 and on again: the answers are kept.
    expect(page.get_by_role("heading", level=1)).to_have_text("Health history")
    check("history")
    answer_no_to_every_question(page)
    page.get_by_label("Medications you take (optional)").fill("Naproxen when needed")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where it hurts")
    expect(page.get_by_label("How bad is the pain right now?")).to_have_value("7")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_label("Medications you take (optional)")).to_have_value(
        "Naproxen when needed"
    )
    page.get_by_role("button", name="Save and continue").click()

    # 4. Warning signs
    expect(page.get_by_role("heading", level=1)).to_have_text("Warning signs")
    check("signs")
    answer_no_to_every_question(page)
    page.get_by_role("button", name="Save and continue").click()

    # 5. Preferences
    expect(page.get_by_role("heading", level=1)).to_have_text("Your preferences")
    check("preferences")
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Save and continue").click()

    # 6. Consent: the typed name is required.
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent")
    expect(page.get_by_text("Consent to treatment")).to_be_visible()
    check("consent")
    page.get_by_label("I have read the consent above and I agree to it").check()
    page.get_by_role("button", name="Sign and send my form").click()
    expect(page.get_by_role("alert")).to_contain_text("Please type your full name")
    check("consent-error")
    page.get_by_label("Your full name").fill("Nora Whitfield")
    page.get_by_role("button", name="Sign and send my form").click()

    # Received.
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we have your health form")
    expect(page.get_by_role("status").first).to_contain_text("Your health form: received")
    check("received")
    page.get_by_role("link", name="Back to your booking").click()
    expect(page.get_by_role("heading", name="Your health form: received")).to_be_visible()
    check("booking-received")

    intake = Intake.objects.submitted().get(client=booking.client)
    assert intake.answers["pain"]["pain_now"] == 7
    assert intake.answers["consent"]["full_name"] == "Nora Whitfield"
    assert health_form(booking).state == "received"

    failures = [report for report in reports if report]
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_red_flag_is_explained_at_once(page: Page, shoot, clinic):
    page.goto("/book/")
    page.locator(".choice-list a").first.click()
    choose_first_free_time(page)
    fill_details(page, name="Owen Pryce", email="owen.pryce@example.com")
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is booked")
    token_page = page.url
    page.goto(token_page + "health-form/signs/")
    answer_no_to_every_question(page)
    page.locator("#div_id_saddle_numbness").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    advice = page.locator(".care-advice")
    expect(advice).to_contain_text("Please get medical help now")
    expect(advice).to_contain_text("emergency department")
    assert not axe_violations(page), axe_violations(page)
    shoot("01-red-flag-advice")
