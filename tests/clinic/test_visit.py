"""Finding the clinic and trusting it: the visit page, faces and next free times on the
therapist's page, structured data, icons, and banners that do not repeat the heading."""

import html
import json
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from bookings.models import Service, Therapist
from bookings.services import booking_create
from tests.factories import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def text(response) -> str:
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(words).split())


def json_ld(response) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(block) for block in blocks]


def test_the_visit_page_tells_a_new_client_how_to_find_and_get_into_the_clinic(client):
    response = client.get("/visit/")
    assert response.status_code == 200
    page = text(response)
    for phrase in [
        "2815 Montana Avenue, Suite 200",
        "Parking and getting here",
        "Free parking for clients in the lot behind the building",
        "Wheelchair access",
        "Step-free entrance",
        "What to wear and bring",
        "Your first visit, step by step",
        "A talk about where it hurts",
        "Monday – Friday 8:00 am – 7:00 pm",
        "Sunday Closed",
    ]:
        assert phrase in page, phrase
    # Closures ahead, from the clinic's own calendar; none that are over.
    assert "Friday, December 25 : Christmas Day" in page
    assert "Friday, January 1 : New Year's Day" in page
    assert "Thanksgiving" not in page


def test_the_map_is_our_own_drawing_with_links_out_to_three_maps_apps(client):
    content = client.get("/visit/").content.decode()
    assert re.search(r'<img[^>]+src="/static/img/visit-map\.svg"[^>]+alt="Map: the clinic', content)
    assert "<iframe" not in content
    links = dict(
        re.findall(r'<a class="btn btn-outline-primary" href="([^"]+)"[^>]*>([^<]+)<', content)
    )
    by_name = {name: html.unescape(url) for url, name in links.items()}
    assert set(by_name) == {"OpenStreetMap", "Apple Maps", "Google Maps"}
    assert "mlat=45.78395&mlon=-108.50467" in by_name["OpenStreetMap"]
    assert parse_qs(urlsplit(by_name["Apple Maps"]).query)["ll"] == ["45.78395,-108.50467"]
    assert "2815%20Montana%20Avenue" in by_name["Google Maps"]
    # Every image on the page is served by us.
    assert not re.findall(r'<(?:img|source)[^>]+(?:src|srcset)="https?://', content)


def test_the_therapist_page_shows_a_face_credentials_offers_and_the_next_free_time(client):
    maren = Therapist.objects.get(slug="maren-ostby")
    response = client.get(maren.get_absolute_url())
    page = text(response)
    assert "MT-LMT-0000412" in page and "Deep tissue massage" in page
    assert ">MO</text>" in response.content.decode()  # the demo team has initials avatars
    for service in maren.services.all():
        assert f"{service.name}, {service.duration} min" in page
    assert "Next free time: Monday, December 7, 2026 at" in page
    assert "What clients say about Maren" in page and "verified review" in page

    first = re.search(r'href="(/book/[^"]+/confirm/\?[^"]+)"', response.content.decode())
    confirm = client.get(html.unescape(first.group(1)))
    assert confirm.status_code == 200
    assert "Your details" in text(confirm) and "Maren Ostby" in text(confirm)


def test_a_booking_moves_the_next_free_time_at_once(client):
    maren = Therapist.objects.get(slug="maren-ostby")
    before = client.get(maren.get_absolute_url()).content.decode()
    link = html.unescape(re.search(r'href="(/book/[^"]+/confirm/\?[^"]+)"', before).group(1))
    start = parse_qs(urlsplit(link).query)["start"][0]
    service = Service.objects.get(slug=link.split("/")[2])
    booking_create(
        name="Ruth Andersen",
        email="ruth@example.com",
        phone="406 555 0147",
        therapist=maren,
        service=service,
        start=datetime.fromisoformat(start),
        now=NOW,
    )
    after = client.get(maren.get_absolute_url()).content.decode()
    assert html.escape(link) not in after


def test_structured_data_for_the_clinic_therapists_and_services(client):
    (clinic,) = json_ld(client.get("/"))
    assert clinic["@type"] == "HealthAndBeautyBusiness" and clinic["geo"]["latitude"] == 45.78395

    (person,) = json_ld(client.get("/therapists/luis-echeverria/"))
    assert person["@type"] == "Person" and person["name"] == "Luis Echeverria"
    assert person["worksFor"]["@id"] == clinic["@id"]
    assert person["hasCredential"]["name"] == "LMT, Montana license MT-LMT-0000687"
    assert {offer["price"] for offer in person["makesOffer"]} == {"95.00", "135.00", "90.00"}

    (service,) = json_ld(client.get("/services/sciatica-relief-90/"))
    assert service["@type"] == "Service" and service["provider"]["@id"] == clinic["@id"]
    assert service["offers"] == {
        "@type": "Offer",
        "price": "135.00",
        "priceCurrency": "USD",
        "url": service["url"],
        "availability": "https://schema.org/InStock",
        "eligibleDuration": {"@type": "QuantitativeValue", "value": 90, "unitCode": "MIN"},
    }


def test_every_page_has_a_favicon_app_icons_and_a_link_to_the_visit_page(client):
    content = client.get("/services/").content.decode()
    for tag in [
        '<link rel="icon" href="/static/img/favicon.ico" sizes="48x48">',
        '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">',
        '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">',
        '<link rel="manifest" href="/static/site.webmanifest">',
        '<a href="/visit/">Visit</a>',
    ]:
        assert tag in content


def test_published_reviews_show_on_the_home_page_with_their_count_and_average(client):
    page = text(client.get("/"))
    assert "What our clients say" in page
    assert re.search(r"\d\.\d from 5 verified reviews", page)  # the demo's pending one is not


def test_the_booked_page_says_it_once_with_no_banner_repeating_it(client):
    therapist = Therapist.objects.get(slug="hannah-kowalski")
    page = client.get(therapist.get_absolute_url()).content.decode()
    link = html.unescape(re.search(r'href="(/book/[^"]+/confirm/\?[^"]+)"', page).group(1))
    start = parse_qs(urlsplit(link).query)["start"][0]
    form = client.get(link)
    response = client.post(
        link,
        {
            "name": "Ruth Andersen",
            "email": "ruth@example.com",
            "phone": "(406) 555-0147",
            "accept_policy": "on",
            "start": start,
            "website": "",
            "form_key": form.context["form"]["form_key"].value(),
        },
        follow=True,
    )
    content = response.content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", content).group(1)
    assert heading == "Your session is booked"
    assert "Your confirmation is on its way to ruth@example.com" in content  # the intro
    assert "alert-success" not in content  # and no banner saying it again
