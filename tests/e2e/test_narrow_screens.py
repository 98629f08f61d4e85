"""What a phone at 390 px and a keyboard meet: a long therapist's name wraps inside its card,
My progress fits the screen, the header's Tab order follows what the eye reads, and the time
picker skips straight to the free times.

Screenshots: artifacts/screenshots/<test>/<viewport>/.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Service, Therapist
from care.models import Outcome
from tests.e2e.test_accessibility import tab_to
from tests.factories import make_booking, make_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff"
# Elements whose content sticks out of their own box sideways.
STICKING_OUT = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.innerText.trim().slice(0, 60))"""


# Names shown on more lines than they have words: a word cut in two to fit.
WORDS_CUT = """() => [...document.querySelectorAll('.choice strong')].filter((el) => {
    const lines = Math.round(el.getBoundingClientRect().height
      / parseFloat(getComputedStyle(el).lineHeight));
    return lines > el.innerText.trim().split(/\\s+/).length;
  }).map((el) => el.innerText.trim())"""


def test_a_long_therapist_name_wraps_inside_its_card(page: Page, shoot, clinic):
    service = Service.objects.active().filter(kind="sciatica").first()
    maren = Therapist.objects.get(user__username="maren")
    long = Therapist.objects.create(slug="maximiliana", name=LONG_NAME, order=99)
    long.services.add(service)
    for hours in maren.hours.all():
        hours.pk, hours.therapist = None, long
        hours.save()

    page.goto(f"/book/{service.slug}/")
    card = page.locator(".choice-person", has_text="Maximiliana")
    expect(card).to_be_visible()
    shoot("01-picker")  # the page does not scroll sideways
    assert page.evaluate(STICKING_OUT, ".choice-person") == []
    name, box = card.locator("strong").bounding_box(), card.bounding_box()
    assert name["x"] + name["width"] <= box["x"] + box["width"]
    # Only a name too long for any line is cut; the usual ones keep their words whole.
    assert page.evaluate(WORDS_CUT) == [LONG_NAME]


@pytest.mark.parametrize("viewport", ["phone"])
def test_my_progress_fits_a_phone(page: Page, shoot, clinic):
    maren = Therapist.objects.get(user__username="maren")
    service = maren.services.filter(kind="sciatica").first()
    client = make_client(name="Nora Whitfield", email="nora.whitfield@example.com")
    today = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
    for weeks_ago, pain, function in [(6, 8, 2), (5, 7, None), (4, 6, 4), (3, 5, None), (2, 3, 6)]:
        start = today - timedelta(weeks=weeks_ago)
        session = make_booking(
            therapist=maren, service=service, client=client, start=start, status="completed"
        )
        for measure, value in [("pain_before", pain), ("pain_after", pain - 2)]:
            Outcome.objects.create(
                client=client, booking=session, measure=measure, value={"score": value}, at=start
            )
        if function is not None:
            Outcome.objects.create(
                client=client,
                booking=session,
                measure="function",
                value={"activities": [{"name": "Sitting through a workday", "score": function}]},
                at=start,
            )

    page.goto("/my/")
    page.get_by_label("Your email address").fill(client.email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.goto(re.search(r"(/my/sign-in/[^\s/]+/)", mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Sign in").click()
    page.goto("/my/progress/")
    expect(page.locator("svg.progress-svg")).to_be_visible()
    shoot("01-progress")  # the page does not scroll sideways
    width = page.viewport_size["width"]
    chart = page.locator("svg.progress-svg").bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= width
    # The table scrolls in its own labelled box if it must, never the page.
    scroller = page.get_by_role("region", name="The same figures")
    expect(scroller).to_be_visible()
    assert scroller.locator("table.progress-table").count() == 1
    box = scroller.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_headers_tab_order_is_its_reading_order(page: Page, clinic):
    page.goto("/")
    links = page.locator("header a:visible")
    names = [links.nth(i).inner_text().strip() for i in range(links.count())]
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    # Each link comes after the one before it as the eye reads: to its right on the same
    # row (the two overlap in height), or on a row below.
    for (before, left), (after, right) in zip(
        zip(names, boxes, strict=True), zip(names[1:], boxes[1:], strict=True), strict=False
    ):
        same_row = (
            right["y"] < left["y"] + left["height"] and left["y"] < right["y"] + right["height"]
        )
        below = right["y"] >= left["y"] + left["height"] - 2
        assert (same_row and right["x"] > left["x"]) or (not same_row and below), (before, after)
    tab_to(page, ".skip-link", presses=1)
    for name in names:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.innerText.trim()") == name


@pytest.mark.parametrize("viewport", ["desktop"])
def test_the_time_picker_skips_to_the_free_times(page: Page, clinic):
    service = Service.objects.active().filter(kind="sciatica").first()
    page.goto(f"/book/{service.slug}/")
    skip = tab_to(page, "a.skip-to-times", presses=12)
    assert skip["text"] == "Skip to available times"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(".times a").first).to_be_focused()
