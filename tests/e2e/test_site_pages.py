"""The pages that earn a new client's trust, in Chromium at desktop and phone sizes: the visit
page, a therapist's page with a headshot, the review form; axe finds nothing on them, images
keep their place, nothing is loaded from another host, and the footer sits at the bottom.

Screenshots: artifacts/screenshots/<test>/<viewport>/.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, re_path
from django.utils import timezone
from django.views.static import serve
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from bookings import images
from bookings.models import Booking, Headshot, ReviewRequest, Therapist
from tests.e2e.support import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IMAGES_LOADED = """() => [...document.images].every(
  (img) => img.complete && img.naturalWidth > 0 && img.width > 0)"""
# Each <img> either sets width and height or sits in a box of fixed size: no layout shift.
UNSIZED_IMAGES = """() => [...document.images]
  .filter((img) => !(img.getAttribute('width') && img.getAttribute('height')))
  .map((img) => img.currentSrc)"""
FOOTER_GAP = """() => innerHeight
  - document.querySelector('footer').getBoundingClientRect().bottom"""


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded photos in a temporary MEDIA_ROOT, served by the live server as a web server
    would in production."""
    from clinic import urls

    settings.MEDIA_ROOT = tmp_path / "media"
    route = re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    urls.urlpatterns.insert(0, route)
    clear_url_caches()
    yield settings.MEDIA_ROOT
    urls.urlpatterns.remove(route)
    clear_url_caches()


def headshot_for(therapist: Therapist) -> Headshot:
    """A portrait-like picture (drawn here, not a stock photo) through the upload pipeline."""
    picture = Image.new("RGB", (800, 1000), (214, 232, 229))
    draw = ImageDraw.Draw(picture)
    draw.ellipse([250, 180, 550, 520], fill=(196, 150, 118))
    draw.rounded_rectangle([160, 560, 640, 1000], radius=160, fill=(11, 93, 91))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    upload = SimpleUploadedFile("portrait.jpg", buffer.getvalue())
    headshot = Headshot(therapist=therapist, alt=f"{therapist.name}, smiling, in a teal top")
    images.picture_replace(picture=headshot, image=images.open_upload(upload))
    return headshot


def check_page(page: Page, shoot, name: str) -> None:
    # Lazy images load as they come near the window: bring each one into view.
    pictures = page.locator("img")
    for index in range(pictures.count()):
        pictures.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(IMAGES_LOADED)
    assert page.evaluate(UNSIZED_IMAGES) == []
    shoot(name)
    report = axe_violations(page)
    assert not report, report


def test_the_visit_page_shows_the_way_in(page: Page, shoot, clinic):
    page.goto("/")
    page.get_by_role("link", name="Visit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visit us")
    expect(page.get_by_role("img", name="Map: the clinic")).to_be_visible()
    for name in ["OpenStreetMap", "Apple Maps", "Google Maps"]:  # links out; nothing loaded
        href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
        assert href.startswith("https://")
    expect(page.get_by_role("heading", name="Wheelchair access")).to_be_visible()
    expect(page.get_by_text("Christmas Day")).to_be_visible()
    check_page(page, shoot, "01-visit")


def test_the_therapist_page_shows_a_face_reviews_and_books_the_next_free_time(
    page: Page, shoot, clinic, media
):
    maren = Therapist.objects.get(slug="maren-ostby")
    headshot_for(maren)
    page.goto("/therapists/")
    expect(page.get_by_role("img", name="Maren Ostby, smiling")).to_be_visible()
    check_page(page, shoot, "01-therapists")

    page.get_by_role("link", name="Maren Ostby").click()
    face = page.get_by_role("img", name="Maren Ostby, smiling, in a teal top")
    expect(face).to_be_visible()
    assert face.evaluate("img => img.currentSrc").endswith(".webp")  # WebP when supported
    expect(page.get_by_role("heading", name="What clients say about Maren")).to_be_visible()
    expect(page.locator(".review").first).to_contain_text("Verified client")
    check_page(page, shoot, "02-therapist")

    # "Book this time" goes straight to the details step for that time.
    next_time = page.get_by_role("link", name="Book this time").first
    next_time.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(page.locator(".summary-box")).to_contain_text("Maren Ostby")
    shoot("03-details-for-the-next-free-time")

    # The time picker's therapist choice shows faces, and an avatar for the others.
    page.goto("/book/sciatica-relief-60/")
    expect(page.locator(".choice-person img.face")).to_have_count(1)
    expect(page.locator(".choice-person svg.face-avatar")).to_have_count(3)
    check_page(page, shoot, "04-time-picker")


def test_a_client_reviews_a_completed_session_through_the_emailed_link(page: Page, shoot, clinic):
    session = (
        Booking.objects.filter(status=Booking.Status.COMPLETED, review__isnull=True)
        .exclude(email="")
        .first()
    )
    request = ReviewRequest.objects.create(
        booking=session, client=session.client, sent_at=timezone.now() - timedelta(days=1)
    )
    page.goto(f"/reviews/{request.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How was your session?")
    check_page(page, shoot, "01-review-form")
    page.get_by_role("button", name="Send my review").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check")
    check_page(page, shoot, "02-review-errors")

    page.get_by_label("5 – Excellent").check()
    page.get_by_label("Your review").fill("Calm room, and my back feels so much better.")
    page.get_by_role("button", name="Send my review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your review")
    # A short page: the footer still sits at the bottom of the window.
    assert page.evaluate(FOOTER_GAP) <= 0.5
    check_page(page, shoot, "03-thank-you")
    review = Booking.objects.get(pk=session.pk).review
    assert (review.rating, review.status) == (5, "pending")  # the owner publishes it
