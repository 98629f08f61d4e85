"""Every public page, error pages and forms with errors included, passes the Nu HTML Checker.

The pages come from Django's test client and are checked in one run of vnu.jar (the npm
package vnu-jar, pinned in package.json) with the machine's Java.
"""

import json
import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article, Category
from bookings.demo import seed_clinic
from bookings.models import (
    Booking,
    BookingPolicy,
    Client,
    ReviewRequest,
    Service,
    Therapist,
)
from care.questions import RED_FLAGS, STEP_NAMES
from clinic import views as clinic_views
from tests.factories import make_booking

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

REPO = Path(__file__).resolve().parents[2]
VNU_JAR = Path(os.environ.get("VNU_JAR", REPO / "node_modules/vnu-jar/build/dist/vnu.jar"))
FORM = {
    "name": "Ruth Andersen",
    "email": "ruth.andersen@example.com",
    "phone": "(406) 555-0147",
    "notes": "Pain down the left leg when I sit.",
    "accept_policy": "on",
    "website": "",
}


def vnu_command() -> list[str]:
    java = shutil.which("java")
    missing = [
        what
        for what, found in [("java", java), (f"{VNU_JAR} (npm ci)", VNU_JAR.is_file())]
        if not found
    ]
    if missing:
        reason = f"the Nu HTML Checker needs {' and '.join(missing)}"
        if os.environ.get("E2E") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return [
        java,
        "-Dnu.validator.servlet.allow-forbidden-hosts=true",
        "-jar",
        str(VNU_JAR),
        "--errors-only",
        "--format",
        "json",
    ]


def free_starts(client, service: Service, therapist: Therapist) -> list[str]:
    response = client.get(
        "/api/availability", {"service": service.slug, "therapist": therapist.slug, "days": 21}
    )
    return [slot["start"] for slot in response.json()["slots"]]


def at(start: str) -> datetime:
    return datetime.fromisoformat(start)


def changeable(starts: list[str]) -> list[str]:
    """The starts far enough ahead to be cancelled or moved online."""
    window = timedelta(hours=BookingPolicy.load().cancellation_window)
    earliest = timezone.now() + window + timedelta(hours=1)
    return [start for start in starts if at(start) > earliest]


def book(client, service: str, therapist: str, start: str) -> Booking:
    response = client.post(
        f"/book/{service}/confirm/?therapist={therapist}", {**FORM, "start": start}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Booking.objects.get(token=response["Location"].strip("/").split("/")[-1])


def public_pages(client, settings) -> dict[str, tuple[int, str]]:
    """name -> (status code, HTML) for every kind of public page."""
    service = Service.objects.active().first()
    therapist = Therapist.objects.offering(service).first()
    article = Article.objects.published().filter(related_services__isnull=False).first()
    category = Category.objects.first()
    pages = {}

    def get(name, url, status=200, **params):
        if params:  # the test client would drop a query string already in `url`
            url += ("&" if "?" in url else "?") + urlencode(params)
        response = client.get(url)
        assert response.status_code == status, (name, url, response.status_code)
        pages[name] = (status, response.content.decode())

    def post(name, url, data, status):
        response = client.post(url, data)
        assert response.status_code == status, (name, url, response.status_code)
        pages[name] = (status, response.content.decode())

    get("home", "/")
    get("services", "/services/")
    get("service-detail", service.get_absolute_url())
    get("therapists", "/therapists/")
    get("therapist-detail", therapist.get_absolute_url())
    get("articles", "/articles/")
    get("articles-search", "/articles/", q="sciatica")
    get("articles-search-nothing", "/articles/", q="zzzz-nothing")
    get("articles-category", category.get_absolute_url())
    get("article-detail", article.get_absolute_url())

    get("visit", "/visit/")
    review_pages(client, get, post)

    get("book", "/book/")
    get("book-service", f"/book/{service.slug}/")
    get("book-service-therapist", f"/book/{service.slug}/", therapist=therapist.slug)
    get("book-service-bad-date", f"/book/{service.slug}/", status=400, date="someday")
    # The soonest free time is often inside the cancellation window: its booking page and
    # cancel page explain the policy instead of offering the buttons.
    soonest = book(client, service.slug, therapist.slug, free_starts(client, service, therapist)[0])
    get("manage-soonest", soonest.manage_path())
    cancel_soonest = client.get(f"{soonest.manage_path()}cancel/")
    pages["cancel-soonest"] = (cancel_soonest.status_code, cancel_soonest.content.decode())

    later = changeable(free_starts(client, service, therapist))
    start = later[0]
    # Far enough from `start` that a competing booking there cannot overlap the client's own.
    new_start = next(t for t in later if abs(at(t) - at(start)) >= timedelta(hours=3))
    confirm = f"/book/{service.slug}/confirm/?therapist={therapist.slug}"
    get("confirm", confirm, start=start)
    post("confirm-with-errors", confirm, {"start": start, "website": ""}, status=400)
    get("confirm-bad-start", confirm, status=400, start="tomorrow")

    # Someone else takes the slot while the client types: the lost-race page, then the
    # "that time isn't available" page for the same link.
    taken = make_booking(therapist=therapist, service=service, start=at(start))
    post("confirm-lost-race", confirm, {**FORM, "start": start}, status=409)
    get("slot-taken", confirm, status=409, start=start)
    taken.delete()

    booking = book(client, service.slug, therapist.slug, start)
    manage = booking.manage_path()
    get("manage", manage)
    # The health form (care/): its start page, every step, an error, and the result.
    get("health-form", f"{manage}health-form/")
    for step in STEP_NAMES:
        get(f"health-form-{step}", f"{manage}health-form/{step}/")
    post("health-form-error", f"{manage}health-form/pain/", {"pain_now": "11"}, status=400)
    signs = {flag.code: "no" for flag in RED_FLAGS} | {"bladder_bowel": "yes"}
    assert client.post(f"{manage}health-form/signs/", signs).status_code == 302
    get("health-form-red-flag-advice", f"{manage}health-form/preferences/")
    get("health-form-received", f"{manage}health-form/received/")
    get("cancel", f"{manage}cancel/")
    get("reschedule", f"{manage}reschedule/")
    reschedule_confirm = f"{manage}reschedule/confirm/?therapist={therapist.slug}"
    get("reschedule-confirm", reschedule_confirm, start=new_start)
    # The new time goes while the client decides: the lost-race page of rescheduling.
    taken = make_booking(therapist=therapist, service=service, start=at(new_start))
    post("reschedule-lost-race", reschedule_confirm, {"start": new_start}, status=409)
    taken.delete()
    assert client.post(f"{manage}cancel/", {"reason": "Away that week"}).status_code == 302
    get("manage-cancelled", manage)

    get("not-found", "/no-such-page/", status=404)
    get("booking-not-found", "/bookings/not-a-real-token/", status=404)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": (0, 60)}
    post("too-many-requests", confirm, {**FORM, "start": start}, status=429)

    request = RequestFactory().get("/")
    for name, view in [
        ("bad-request", clinic_views.bad_request),
        ("permission-denied", clinic_views.permission_denied),
        ("server-error", clinic_views.server_error),
    ]:
        response = view(request)
        pages[name] = (response.status_code, response.content.decode())
    return pages


def review_pages(client, get, post) -> None:
    """A review link of a completed session: the form, its errors, the thanks, a bad link and
    the unsubscribe page."""
    session = Booking.objects.filter(status=Booking.Status.COMPLETED, review__isnull=True).first()
    request = ReviewRequest.objects.create(
        booking=session, client=session.client, sent_at=timezone.now()
    )
    url = f"/reviews/{request.token}/"
    get("review", url)
    post("review-with-errors", url, {"rating": "9", "comment": ""}, status=400)
    assert client.post(url, {"rating": "5", "comment": "Much better now."}).status_code == 302
    get("review-thanks", url)
    get("review-link-bad", "/reviews/not-a-link/", status=404)
    get("review-unsubscribe", f"{url}unsubscribe/")


def my_pages(client, capture) -> dict[str, tuple[int, str]]:
    """My bookings and privacy: the form, the answer, the link, the lists, the export."""
    email = Client.objects.exclude(email="").order_by("pk").first().email
    pages = {}

    def page(name, method, url, status=200, data=None):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == status, (name, url, response.status_code)
        pages[name] = (status, response.content.decode())

    page("my-form", "get", "/my/")
    page("my-form-errors", "post", "/my/", 400, {"email": "not an address"})
    with capture(execute=True):
        client.post("/my/", {"email": email})
    page("my-link-sent", "get", "/my/link-sent/")
    link = re.search(r"(/my/sign-in/[^\s/]+/)", mail.outbox[-1].body).group(1)
    page("my-sign-in", "get", link)
    page("my-link-bad", "get", "/my/sign-in/not-a-link/", 400)
    client.post(link)
    page("my-link-used", "get", link, 410)
    page("my-bookings", "get", "/my/")
    page("my-data", "get", "/my/data/")
    page("my-erasure", "get", "/my/erasure/")
    return pages


def test_public_pages_pass_the_nu_html_checker(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    command = vnu_command()
    seed_clinic(now=timezone.now())
    pages = public_pages(client, settings)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": (100, 60)}
    pages.update(my_pages(client, django_capture_on_commit_callbacks))
    files = []
    for name, (_, content) in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(content, encoding="utf-8")
        files.append(str(path))

    result = subprocess.run(
        [*command, *files], capture_output=True, text=True, timeout=300, check=False
    )
    report = json.loads(result.stderr or result.stdout)
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}:{m.get('firstColumn')}: {m['message']}\n"
        f"    {m.get('extract', '').strip()}"
        for m in report["messages"]
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    print("\n".join(errors))
    assert not errors, f"{len(errors)} HTML errors in {len(files)} pages:\n" + "\n".join(errors)
    assert result.returncode == 0, result.stderr
