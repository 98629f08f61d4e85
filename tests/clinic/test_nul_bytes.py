"""A NUL byte anywhere a visitor can put one is bad input: never a 5xx, never an error log.

PostgreSQL cannot store a NUL in text, and its driver raises on one, so on that database each
of these was a 500 with a traceback. Every URL pattern is tried with a NUL in its path, every
known query parameter of the public pages and the admin with a NUL value, and every field of
the booking forms and the admin's add forms with a NUL, both anonymously and as the owner.
"""

import logging
import re

import pytest
import time_machine
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from bookings.models import Booking
from tests.factories import NOW, local, make_booking

NUL = "\x00"
PARAMETERS = ["q", "page", "p", "category", "service", "therapist", "start", "days", "date", "o"]
PUBLIC_PAGES = [
    "/",
    "/services/",
    "/therapists/",
    "/book/",
    "/book/sciatica-relief-60/",
    "/book/sciatica-relief-60/confirm/",
    "/api/availability",
    "/articles/",
    "/articles/feed/",
    "/sitemap.xml",
    "/healthz",
    "/admin/login/",
]
BOOKING_FORM = {
    "name": "Ruth Andersen",
    "email": "ruth@example.com",
    "phone": "(406) 555-0147",
    "notes": "",
    "accept_policy": "on",
    "website": "",
    "start": "2026-12-08T10:00-07:00",
}


def nul_paths(patterns=None, prefix="/") -> list[str]:
    """Every route in the URLconf, with a NUL wherever it takes a value."""
    paths = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            continue  # regex routes (the admin's app index) take no free text
        route = re.sub(r"<[^>]+>", NUL, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            paths += nul_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and NUL in prefix + route:
            paths.append(prefix + route)
    return paths


def admin_urls() -> list[str]:
    return [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    ]


@pytest.fixture
def booking(db, policy, service, therapist) -> Booking:
    return make_booking(therapist=therapist, service=service, start=local("2026-12-09", "10:00"))


@pytest.fixture
def watch(caplog):
    """Yields the statuses seen; fails the test on any 5xx or any error logged."""
    seen: dict[str, int] = {}
    with time_machine.travel(NOW, tick=False), caplog.at_level(logging.WARNING):
        yield seen
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert {what: status for what, status in seen.items() if status >= 500} == {}


@pytest.fixture(params=["anonymous", "owner"])
def visitor(request, client, django_user_model):
    if request.param == "owner":
        client.force_login(django_user_model.objects.create_superuser("owner", "o@example.com"))
    return client


def test_a_nul_in_any_path_is_a_400(visitor, booking, watch):
    paths = nul_paths()
    assert len(paths) > 30  # the public site and the whole admin
    for path in paths:
        watch[path] = visitor.get(path).status_code
    assert set(watch.values()) == {400}


def test_a_nul_in_any_parameter_is_a_400(visitor, booking, watch):
    pages = [*PUBLIC_PAGES, f"/bookings/{booking.token}/reschedule/", *admin_urls()]
    for page in pages:
        for name in PARAMETERS:
            watch[f"{page}?{name}"] = visitor.get(page, {name: f"x{NUL}y"}).status_code
        watch[f"{page}?name"] = visitor.get(page, {f"a{NUL}": "1"}).status_code
    assert set(watch.values()) == {400}


def test_a_nul_in_a_booking_form_field_is_a_400(client, booking, watch):
    confirm = "/book/sciatica-relief-60/confirm/?therapist=maren&start=2026-12-08T10:00-07:00"
    for field in BOOKING_FORM:
        data = {**BOOKING_FORM, field: f"Ruth{NUL}"}
        watch[f"confirm {field}"] = client.post(confirm, data).status_code
    watch["cancel"] = client.post(f"/bookings/{booking.token}/cancel/", {"reason": NUL}).status_code
    watch["move"] = client.post(
        f"/bookings/{booking.token}/reschedule/confirm/?therapist=maren", {"start": NUL}
    ).status_code
    watch["login"] = client.post("/admin/login/", {"username": NUL, "password": "x"}).status_code
    assert set(watch.values()) == {400}
    assert Booking.objects.count() == 1


def test_a_nul_in_any_admin_form_field_is_a_400(client, booking, watch, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("owner", "o@example.com"))
    for model in admin.site._registry:
        add = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
        for field in model._meta.concrete_fields:
            watch[f"{add} {field.name}"] = client.post(add, {field.name: NUL}).status_code
    assert set(watch.values()) == {400}


def test_a_nul_in_a_cookie_is_a_400(client, booking, watch):
    client.cookies["sessionid"] = f"abc{NUL}def"
    watch["home"] = client.get("/").status_code
    watch["manage"] = client.get(f"/bookings/{booking.token}/").status_code
    assert set(watch.values()) == {400}


def test_the_api_explains_a_nul_in_json(client, db, watch):
    response = client.get("/api/availability", {"service": NUL})
    watch["api"] = response.status_code
    assert response.json()["parameter"] == "service"
