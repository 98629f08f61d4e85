"""The demo clinic as a visitor sees it, and the command that loads it."""

import html
import json
import re
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from bookings.models import Booking, Client, Closure, Service, Therapist, WorkingHours
from tests.factories import NOW

# Every test here reads the one demo clinic seeded for the module (tests/clinic/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

SEEDED = (Service, Therapist, WorkingHours, Booking, Client, Article)


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/",
            [
                "Relief for sciatica and stiff necks",
                "Sciatica relief massage",
                "Maren Ostby",
                "Book now",
            ],
        ),
        ("/services/", ["Services and prices", "Sciatica relief massage", "$95.00", "90 minutes"]),
        (
            "/services/sciatica-relief-60/",
            ["Techniques we use", "Who it helps", "What to expect", "$95.00"],
        ),
        ("/therapists/", ["Our therapists", "Maren Ostby", "Luis Echeverria", "Hannah Kowalski"]),
        ("/therapists/maren-ostby/", ["MT-LMT-0000412", "Book with Maren", "Neck & shoulder"]),
        ("/book/", ["Book a session", "Sciatica relief", "Neck & shoulder"]),
        ("/articles/", ["How massage"]),
    ],
)
def test_every_public_page_shows_what_a_visitor_expects(client, url, expected):
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    page = text(response)
    for phrase in expected:
        assert phrase in page
    # The layout every page shares: skip link, landmarks, navigation, the clinic's details.
    for phrase in (
        'href="#main"',
        "<main",
        'aria-label="Main"',
        "<footer",
        "Billings, MT 59101",
        "(406) 555-0142",
        "Opening hours",
        "Mountain Time",
    ):
        assert phrase in page
    assert "cdn" not in page.lower()


def test_the_demo_asks_for_the_health_form_online_before_the_first_visit(client):
    """Not "arrive 10 minutes early to fill out a short intake form": the form is online,
    emailed when one books; on the day, a few minutes early is enough."""
    pages = [f"/services/{service.slug}/" for service in Service.objects.filter(active=True)]
    pages += ["/visit/", "/articles/what-to-expect-at-your-first-visit/"]
    with time_machine.travel(NOW, tick=False):
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            page = " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())
            assert "health form online" in page, url
            assert "a few minutes early" in page, url
            for old in ("10 minutes early", "ten minutes early", "intake form", "one-page health"):
                assert old not in page, (url, old)


def test_the_headers_links_come_in_the_order_they_are_seen(client):
    """Tab follows the eye: on a phone "Book now" sits beside the clinic's name, above the
    links; wider, it comes after them on one row. Each layout shows its own, in its place
    (no CSS `order`), and hides the other's from every reader."""
    page = client.get("/").content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    links = [
        (html.unescape(name), re.search(r'class="([^"]*)"', attributes))
        for attributes, name in re.findall(r"<a ([^>]*)>([^<]+)</a>", header)
    ]
    assert [name for name, _class in links] == [
        "Rimrock Massage & Bodywork", "Book now", "Services", "Therapists", "Articles", "Visit",
        "My bookings", "Book now",
    ]  # fmt: skip
    phone, wide = (set(found.group(1).split()) for name, found in links if name == "Book now")
    assert "d-md-none" in phone  # beside the name, until the links share its row
    assert {"d-none", "d-md-inline-block"} <= wide  # last on that one row
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert not re.search(r"\border\s*:", css) and "row-reverse" not in css


def test_home_page_jsonld_describes_the_clinic_as_a_local_business(client):
    page = client.get("/").content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block)
    assert data["@type"] == "HealthAndBeautyBusiness"
    assert data["address"]["addressLocality"] == "Billings"
    assert data["telephone"] == "+14065550142"
    assert "Mo-Fr 08:00-19:00" in data["openingHours"]


def test_seed_demo_is_idempotent_and_prints_the_logins(demo, capsys):
    first = demo  # what the module's seed printed, on an empty database
    counts = [m.objects.count() for m in SEEDED]
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo")
        second = capsys.readouterr().out
    assert counts == [m.objects.count() for m in SEEDED]
    assert counts[0] >= 4 and counts[1] == 3 and counts[3] > 30 and counts[5] >= 6
    assert {
        "sciatica-relief-60",
        "sciatica-relief-90",
        "neck-shoulder-30",
        "neck-shoulder-60",
    } <= set(Service.objects.values_list("slug", flat=True))
    assert "Demo clinic loaded" in first and "nothing changed" in second
    for login in ("owner", "frontdesk", "editor", "maren"):
        assert login in first and login in second
    assert users_in_group("Editor") == ["editor"]
    # The clinic closes on holidays: the next Thanksgiving after NOW is November 25, 2027.
    thanksgiving = Closure.objects.get(reason="Thanksgiving Day")
    assert timezone.localtime(thanksgiving.start).date() == date(2027, 11, 25)
    users = get_user_model().objects
    assert users.get(username="owner").is_superuser
    assert users.get(username="maren").therapist.slug == "maren-ostby"
    assert all(t.user_id for t in Therapist.objects.all())
    # Every therapist has past and upcoming sessions, with a few distinct clients each.
    for therapist in Therapist.objects.all():
        bookings = therapist.bookings.all()
        assert bookings.filter(start__lt=NOW).exists() and bookings.filter(start__gt=NOW).exists()
        assert bookings.values("client").distinct().count() >= 3


def users_in_group(name):
    return sorted(
        get_user_model().objects.filter(groups__name=name).values_list("username", flat=True)
    )
