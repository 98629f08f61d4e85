"""A dead or full cache degrades the site, never breaks it; the cache cannot be flooded.

The real thing (a redis-server stopped mid-test) is in tests/faults/; here the cache points at
a port nothing listens on, which is what a stopped Redis looks like to the app.
"""

import logging
import socket

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ResponseError

from articles.models import Article, Category
from bookings.models import Booking, Therapist
from tests.factories import NOW, local, make_booking, make_service, make_therapist

CONFIRM = "/book/sciatica-relief-60/confirm/?therapist=maren&start=2026-12-08T10:00-07:00"
DETAILS = {
    "name": "Ruth Andersen",
    "email": "ruth@example.com",
    "phone": "(406) 555-0147",
    "accept_policy": "on",
}
PAGES = [
    "/",
    "/services/",
    "/services/sciatica-relief-60/",
    "/therapists/",
    "/therapists/maren/",
    "/book/",
    "/book/sciatica-relief-60/",
    "/book/sciatica-relief-60/?therapist=maren&date=2026-12-08",
    "/api/availability?service=sciatica-relief-60",
    "/articles/",
    "/articles/?q=sciatica",
    "/articles/feed/",
    "/articles/feed/atom/",
    "/sitemap.xml",
    "/robots.txt",
    CONFIRM,
    "/admin/login/",
]


def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_cache(url: str, prefix: str, *, fail_soft: bool) -> dict:
    return {
        "BACKEND": "clinic.cache_backends.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        "FAIL_SOFT": fail_soft,
    }


@pytest.fixture
def redis_down(settings):
    url = f"redis://127.0.0.1:{dead_port()}/0"
    settings.CACHES = {
        "default": redis_cache(url, "clinic", fail_soft=True),
        "ratelimit": redis_cache(url, "clinic-ratelimit", fail_soft=False),
    }
    yield
    # The next test's settings fixture restores CACHES; these never held anything.


@pytest.fixture
def clinic(db, policy):
    service = make_service()
    make_therapist(services=[service])
    category = Category.objects.create(name="Sciatica", slug="sciatica")
    Article.objects.create(
        title="Sciatica at the desk",
        slug="sciatica-at-the-desk",
        summary="Sitting well.",
        body="Stand up often.",
        category=category,
        status=Article.Status.PUBLISHED,
        published_at=NOW.replace(year=2025),
    )
    return service


def test_with_the_cache_down_every_page_is_served_and_the_outage_logged_once(
    client, clinic, redis_down, caplog
):
    with time_machine.travel(NOW, tick=False), caplog.at_level(logging.INFO):
        statuses = {path: client.get(path).status_code for path in PAGES}
        statuses["article"] = client.get("/articles/sciatica-at-the-desk/").status_code
        statuses["login"] = client.post(
            "/admin/login/", {"username": "x", "password": "y"}
        ).status_code
    assert set(statuses.values()) == {200}, statuses
    outages = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outages) == 2  # once for the page cache, once for the rate-limit cache
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_with_the_cache_down_a_booking_is_taken(
    client, clinic, redis_down, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM, DETAILS, follow=True)
    assert response.status_code == 200
    assert "Your confirmation is on its way to ruth@example.com" in response.content.decode()
    assert Booking.objects.count() == 1


def test_with_the_cache_down_free_times_are_computed_and_current(client, clinic, redis_down):
    asked = {"service": clinic.slug, "therapist": "maren", "start": "2026-12-08", "days": "1"}

    def starts():
        response = client.get("/api/availability", asked)
        assert response.status_code == 200
        return [slot["start"] for slot in response.json()["slots"]]

    with time_machine.travel(NOW, tick=False):
        before = starts()
        therapist = Therapist.objects.get(slug="maren")
        make_booking(therapist=therapist, service=clinic, start=local("2026-12-08", "10:00"))
        after = starts()
    assert "2026-12-08T10:00:00-07:00" in before
    assert "2026-12-08T10:00:00-07:00" not in after


def test_with_the_cache_down_the_login_limit_holds_per_process(client, db, redis_down):
    wrong = {"username": "owner", "password": "wrong"}
    with time_machine.travel(NOW, tick=False):  # one rate-limit window throughout
        statuses = [client.post("/admin/login/", wrong).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_a_full_cache_serves_pages_uncached(client, clinic, settings, monkeypatch):
    settings.CACHES = {
        "default": redis_cache("redis://127.0.0.1:6379/15", "clinic-full-test", fail_soft=True),
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

    def full(*args, **kwargs):
        raise ResponseError("OOM command not allowed when used memory > 'maxmemory'.")

    for method in ("get", "set", "add", "incr"):
        monkeypatch.setattr(RedisCacheClient, method, full)
    with time_machine.travel(NOW, tick=False):
        assert [client.get(path).status_code for path in PAGES[:10]] == [200] * 10


def test_the_health_check_names_a_dead_cache_and_still_answers_200(client, db, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded" and report["database"] == "ok"
    assert report["cache"] == "down" and report["ratelimit_cache"] == "down"
    assert {"cache", "ratelimit_cache"} <= set(report["degraded"])


def test_the_health_check_names_a_late_outbox_and_a_silent_worker(client, policy):
    from datetime import timedelta

    from bookings import jobs, outbox
    from bookings.models import OutboxEmail

    outbox.email_queue(to="a@example.com", subject="s", body="b", kind="t")
    OutboxEmail.objects.update(next_attempt_at=NOW - timedelta(minutes=30))
    jobs.periodic_jobs_prepare()
    jobs.job_finished("heartbeat", now=NOW - timedelta(minutes=10))
    with time_machine.travel(NOW, tick=False):
        report = client.get("/healthz").json()
    assert report["outbox"] == {"status": "late", "late": 1, "failed": 0}
    assert report["worker"] == "late"
    assert report["degraded"] == ["outbox", "worker"]


# --- The cache cannot be flooded -------------------------------------------------------------


def keys() -> int:
    return len(caches["default"]._cache)


def test_ignored_parameters_make_no_new_cache_entries(client, clinic):
    with time_machine.travel(NOW, tick=False):
        client.get("/therapists/")
        before = keys()
        for n in range(1000):
            assert client.get("/therapists/", {"q": f"flood{n}", "page": n}).status_code == 200
    assert keys() == before


def test_one_path_keeps_a_bounded_number_of_copies(client, clinic, settings):
    with time_machine.travel(NOW, tick=False):
        for n in range(150):  # far more than a path may keep
            client.get("/articles/", {"q": f"flood{n}"})
            client.get("/api/availability", {"service": "sciatica-relief-60", "days": n % 60 + 1})
    # Per path: its copies, a counter, plus the two version keys.
    pages = [key for key in caches["default"]._cache if ":free-" not in key]
    assert len(pages) <= 2 * (settings.PAGE_CACHE_COPIES_PER_PATH + 1) + 2
    # Free times' days: for each therapist, one entry and one version per day asked for (here
    # at most 60) and a version of their own; and the setup's version. No more, whatever
    # the flood.
    days = [key for key in caches["default"]._cache if ":free-" in key]
    assert 0 < len(days) <= Therapist.objects.count() * (2 * 60 + 1) + 1


def test_after_a_flood_fills_the_page_cache_the_login_limit_still_holds(client, clinic, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "flooded",
            "OPTIONS": {"MAX_ENTRIES": 30},
        },
        "ratelimit": settings.CACHES["ratelimit"],
    }
    wrong = {"username": "owner", "password": "wrong"}
    with time_machine.travel(NOW, tick=False):  # one rate-limit window throughout
        first = [client.post("/admin/login/", wrong).status_code for _ in range(3)]
        for n in range(150):  # many paths, many parameters: far more than the cache holds
            client.get("/articles/", {"q": f"flood{n}"})
            client.get(f"/book/sciatica-relief-60/?date=2026-12-{n % 20 + 8:02d}&therapist=maren")
            client.get("/therapists/", {"x": n})
        assert len(caches["default"]._cache) <= 30
        rest = [client.post("/admin/login/", wrong).status_code for _ in range(3)]
    assert first + rest == [200] * 5 + [429]


def test_kept_database_connections_are_checked_before_a_request_uses_them(settings):
    # A kept connection that the database dropped is replaced instead of failing a request
    # (tests/faults/ drops them under gunicorn on PostgreSQL).
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
