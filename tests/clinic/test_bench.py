"""`make bench`'s baselines: /bench/hello with no middleware at all, /bench/bare behind it all,
/bench/stock behind Django's default middleware, all only when CLINIC_BENCH=1."""

import importlib
import io
import sys

import pytest
from django.urls import clear_url_caches

import clinic.urls
import clinic.wsgi

# The WSGI handler checks the database connections at each request's start and end (Django's
# close_old_connections), whichever test opened them.
pytestmark = pytest.mark.django_db


def call(application, path: str) -> tuple[str, dict, bytes]:
    """One GET through a WSGI application, as gunicorn makes it behind the TLS proxy."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    body = application(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        body.close()
    return started["status"], started["headers"], content


@pytest.fixture
def bench(monkeypatch, settings):
    """The URLconf and WSGI application as CLINIC_BENCH=1 makes them; put back afterwards."""

    def load(enabled: bool):
        if enabled:
            monkeypatch.setenv("CLINIC_BENCH", "1")
        else:
            monkeypatch.delenv("CLINIC_BENCH", raising=False)
        importlib.reload(clinic.urls)
        clear_url_caches()
        return importlib.reload(clinic.wsgi).application

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    yield load
    monkeypatch.delenv("CLINIC_BENCH", raising=False)
    importlib.reload(clinic.urls)
    clear_url_caches()
    importlib.reload(clinic.wsgi)


# No database here: none of these requests may need one (pytest-django refuses it).


def test_hello_answers_ok_with_no_middleware(bench):
    status, headers, content = call(bench(True), "/bench/hello")
    assert status.startswith("200") and content == b"ok"
    # None of settings.MIDDLEWARE ran: no security header, no CSP.
    for header in [
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ]:
        assert header not in headers


def test_bare_answers_ok_behind_every_middleware(bench):
    status, headers, content = call(bench(True), "/bench/bare")
    assert status.startswith("200") and content == b"ok"
    assert "Content-Security-Policy" in headers and headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_stock_answers_behind_djangos_default_middleware(bench):
    status, headers, content = call(bench(True), "/bench/stock")
    assert status.startswith("200") and content == b"ok"
    # Django's own headers, under the site's settings; none of the site's own middleware.
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in headers


def test_other_paths_still_go_through_the_middleware(bench):
    status, headers, _content = call(bench(True), "/robots.txt")
    assert status.startswith("200") and "Content-Security-Policy" in headers


def test_without_clinic_bench_neither_exists(bench):
    application = bench(False)
    for path in ["/bench/hello", "/bench/bare", "/bench/stock"]:
        status, headers, _content = call(application, path)
        assert status.startswith("404")
        # An ordinary 404, from the site with all its middleware.
        assert "Content-Security-Policy" in headers
