"""What a phone at 390 px meets: a long therapist's name wraps inside its card.

Screenshots: artifacts/screenshots/<test>/<viewport>/.
"""

import pytest
from playwright.sync_api import Page, expect

from bookings.models import Service, Therapist

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff"
# The page's width against the screen's: a phone's browser widens its window to fit a page
# that sticks out, so the window's own width (innerWidth) cannot tell.
WIDER_THAN = "(width) => document.documentElement.scrollWidth - width"
# Elements whose content sticks out of their own box sideways.
STICKING_OUT = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.innerText.trim().slice(0, 60))"""


@pytest.mark.parametrize("viewport", ["phone"])
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
    shoot("01-picker")
    assert page.evaluate(WIDER_THAN, page.viewport_size["width"]) <= 0
    assert page.evaluate(STICKING_OUT, ".choice-person") == []
    name, box = card.locator("strong").bounding_box(), card.bounding_box()
    assert name["x"] + name["width"] <= box["x"] + box["width"]
