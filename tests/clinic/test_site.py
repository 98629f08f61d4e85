"""The site around the pages: settings, health check, caching, rate limits, logs, headers."""

import html
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.db import DatabaseError, connection

from bookings.models import Booking
from clinic.logging import RedactSecretsFilter
from tests.factories import NOW, make_booking, make_service, make_therapist

ROOT = Path(__file__).resolve().parents[2]


def text(response) -> str:
    return html.unescape(response.content.decode())


def _run_settings(env):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "clinic.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    result = _run_settings({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert _run_settings({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60}).returncode == 0


def _deploy_check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k3y-" + "Zq8#xV2!pL9@mN4$" * 4,
            "DJANGO_ALLOWED_HOSTS": "www.rimrockmassage.example",
            "CARE_ENCRYPTION_KEYS": "Jm3jNEg3Vx8b7Z6Ss3u1i2F0mH1xw0b9vT9yq3J2bQk=",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_with_production_settings():
    result = _deploy_check(
        REDIS_URL="redis://127.0.0.1:6379/0", RATELIMIT_REDIS_URL="redis://127.0.0.1:6380/0"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_asks_for_the_rate_limits_own_redis():
    result = _deploy_check(REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode != 0
    assert "clinic.W002" in result.stderr + result.stdout


def test_deploy_check_asks_for_a_shared_cache():
    result = _deploy_check()
    assert result.returncode != 0
    assert "clinic.W001" in result.stderr + result.stdout


@pytest.mark.django_db
def test_health_check_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_health_check_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down"}


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/book/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "<script>" not in response.content.decode()


def test_robots_points_to_the_sitemap(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in body
    assert "Disallow: /bookings/" in body and "Disallow: /api/" in body
    assert "admin" not in body  # a custom admin address stays private


# --- Caching of content pages ---------------------------------------------------------------


@pytest.mark.django_db
def test_content_pages_are_cached_and_refreshed_when_staff_edit(client, django_assert_num_queries):
    service = make_service()
    make_therapist(services=[service])
    first = client.get("/services/")
    assert "$95.00" in first.content.decode()
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    with django_assert_num_queries(0):
        assert client.get("/services/").content == first.content
    service.price = "99.00"
    service.save()
    assert "$99.00" in client.get("/services/").content.decode()


@pytest.mark.django_db
def test_booking_pages_are_never_cached(client):
    service = make_service()
    make_therapist(services=[service])
    with time_machine.travel(NOW, tick=False):
        response = client.get("/book/sciatica-relief-60/")
    assert "public" not in response.get("Cache-Control", "")


# --- Rate limits --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_booking_posts_are_rate_limited_per_address(client, settings, policy):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": (3, 60)}
    service = make_service()
    make_therapist(services=[service])
    url = "/book/sciatica-relief-60/confirm/?therapist=maren&start=2026-12-08T10:00-07:00"
    form = {"name": "Bot", "email": "not-an-email", "phone": "1", "accept_policy": "on"}
    with time_machine.travel(NOW, tick=False):
        statuses = [client.post(url, form).status_code for _ in range(4)]
        other = client.post(url, form, REMOTE_ADDR="10.0.0.9").status_code
        limited = client.post(url, form)
    assert statuses == [400, 400, 400, 429]
    assert other == 400  # another address is not affected
    page = text(limited)
    assert "Please wait about 60 seconds" in page and limited["Retry-After"] == "60"
    assert 'value="Bot"' in page  # what was typed is kept
    valid = {
        "name": "Ruth",
        "email": "ruth@example.com",
        "phone": "(406) 555-0147",
        "accept_policy": "on",
    }
    with time_machine.travel(NOW, tick=False):
        assert client.post(url, valid).status_code == 429
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_booking_link_lookups_are_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "lookup": (5, 60)}
    statuses = [client.get(f"/bookings/guess{n:040d}/").status_code for n in range(6)]
    assert statuses == [404] * 5 + [429]


@pytest.mark.django_db
def test_admin_login_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (2, 60)}
    data = {"username": "owner", "password": "wrong"}
    statuses = [client.post("/admin/login/", data).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- Nothing secret or personal in logs ----------------------------------------------------------


def test_booking_tokens_are_redacted_from_log_records():
    token = "Zx9" * 14
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/bookings/{token}/cancel/",),
        None,
    )
    assert RedactSecretsFilter().filter(record)
    assert token not in record.getMessage()
    assert "/bookings/[redacted]/cancel/" in record.getMessage()


def test_console_log_handler_uses_the_redacting_filter(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "redact_secrets" in handler["filters"]


@pytest.mark.django_db
def test_a_failed_email_is_logged_without_personal_details(
    caplog, settings, policy, django_capture_on_commit_callbacks
):
    from bookings import notifications

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    service = make_service()
    therapist = make_therapist(services=[service])
    booking = make_booking(
        therapist=therapist, service=service, start=NOW, notes="Sciatic pain, left leg"
    )
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        notifications.booking_created(booking)
    logged = caplog.text
    assert booking.reference in logged
    for secret in (booking.token, booking.client.email, booking.client.name, "Sciatic pain"):
        assert secret not in logged


@pytest.mark.django_db
def test_a_flood_of_pages_cannot_reset_the_login_limit(client, settings):
    from django.core.cache import cache

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (2, 60)}
    data = {"username": "owner", "password": "wrong"}
    for _ in range(2):
        client.post("/admin/login/", data)
    for n in range(50):  # unknown parameters do not make new cache entries...
        client.get("/services/", {"x": n})
    cache.clear()  # ...and even an emptied page cache keeps the counts
    assert client.post("/admin/login/", data).status_code == 429


def test_the_admin_address_is_configurable():
    code = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'), reverse('admin:login'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DJANGO_ADMIN_URL": "back-office/",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["/back-office/", "/back-office/login/"], result.stderr
