"""Security headers on every kind of response, and the middleware made cheaper keeping them:
the CSP built once (clinic.middleware.ContentSecurityPolicyMiddleware) answers as django-csp's
own middleware does, messages are made only when used, and NULs are still refused."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.middleware import CSPMiddleware
from django.contrib import messages
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from clinic.middleware import (
    ContentSecurityPolicyMiddleware,
    LazyMessageMiddleware,
    LazyMessages,
    unstorable_part,
)

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_protected(response):
    for header, value in SECURITY_HEADERS.items():
        assert response[header] == value, header
    policy = response[HEADER]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/book/", "/services/", "/robots.txt", "/api/availability", "/no-such-page/"],
)
def test_every_kind_of_response_carries_the_security_headers(client, path):
    assert_protected(client.get(path))


@pytest.mark.django_db
def test_the_booking_page_carries_them_too(client, booking_for_headers):
    response = client.get(booking_for_headers.manage_path())
    assert response.status_code == 200
    assert_protected(response)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def booking_for_headers(policy, service, therapist):
    from tests.factories import local, make_booking

    return make_booking(therapist=therapist, service=service, start=local("2026-12-09", "10:00"))


@pytest.mark.django_db
def test_https_responses_carry_hsts_when_it_is_on(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/book/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/book/")  # not over plain HTTP


@pytest.mark.django_db
def test_a_changed_policy_setting_is_used_at_once(client, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/robots.txt")[HEADER] == "default-src 'none'"


# --- The CSP built once answers as django-csp's middleware does ------------------------------


def _exempt(response):
    response._csp_exempt = True


def _update(response):
    response._csp_update = {"img-src": ["https://images.example"]}


def _replace(response):
    response._csp_replace = {"script-src": ["'self'", "https://js.example"]}


def _config(response):
    response._csp_config = {"default-src": ["'none'"]}


def _own_header(response):
    response[HEADER] = "default-src 'none'"


SCENARIOS = {
    "plain": None,
    "exempt": _exempt,
    "update": _update,
    "replace": _replace,
    "config": _config,
    "own header": _own_header,
}


def both_middlewares(change, *, path="/book/", nonce=False):
    """The CSP headers (and the request) from ours and from django-csp's, for one response."""
    answers = []
    for middleware_class in (ContentSecurityPolicyMiddleware, CSPMiddleware):

        def view(request):
            if nonce:
                str(request.csp_nonce)  # a template asking for a nonce
                request._csp_nonce = "fixed-nonce-for-the-comparison"
            response = HttpResponse("ok")
            if change:
                change(response)
            return response

        request = RequestFactory().get(path)
        response = middleware_class(view)(request)
        answers.append(
            ({h: response[h] for h in (HEADER, HEADER_REPORT_ONLY) if h in response}, request)
        )
    return answers


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_policy_is_django_csps_for_every_kind_of_response(scenario):
    (ours, _), (theirs, _) = both_middlewares(SCENARIOS[scenario])
    assert ours == theirs


def test_a_page_that_used_a_nonce_gets_it_in_its_policy():
    settings_policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=settings_policy):
        (ours, _), (theirs, _) = both_middlewares(None, nonce=True)
    assert ours == theirs
    assert "'nonce-fixed-nonce-for-the-comparison'" in ours[HEADER]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    from csp.exceptions import CSPNonceError

    for _ in range(2):  # every request, the one after a refused nonce too
        (_, request), _ = both_middlewares(None)
        with pytest.raises(CSPNonceError):
            str(request.csp_nonce)
        assert not request.csp_nonce


def test_report_only_policies_and_excluded_prefixes_are_kept():
    report_only = {
        "DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report/"},
        "EXCLUDE_URL_PREFIXES": ["/admin/"],
    }
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
        for path in ["/book/", "/admin/login/"]:
            (ours, _), (theirs, _) = both_middlewares(None, path=path)
            assert ours == theirs
        (ours, _), _ = both_middlewares(None)
        assert HEADER_REPORT_ONLY in ours


# --- Messages: made only when used -----------------------------------------------------------


def _message_middleware(view, request):
    request.session = {}  # the session middleware's, empty
    return LazyMessageMiddleware(view)(request)


def test_a_response_that_uses_no_messages_makes_no_storage():
    request = RequestFactory().get("/")
    response = _message_middleware(lambda request: HttpResponse("ok"), request)
    assert isinstance(request._messages, LazyMessages)
    assert not request._messages.made
    assert not response.cookies


def test_asking_whether_there_are_messages_needs_no_storage_without_cookies():
    request = RequestFactory().get("/")
    _message_middleware(lambda request: HttpResponse("ok"), request)
    assert not request._messages
    assert not request._messages.made


def test_a_message_added_is_stored_and_shown_on_the_next_page():
    def add(request):
        messages.success(request, "Your booking has moved.")
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    response = _message_middleware(add, request)
    assert "messages" in response.cookies  # the cookie storage took it

    later = RequestFactory().get("/", HTTP_COOKIE=response.cookies.output(header="", sep=";"))
    shown = []

    def show(request):
        assert request._messages  # a cookie came: the storage is made and asked
        shown.extend(str(m) for m in request._messages)
        return HttpResponse("ok")

    _message_middleware(show, later)
    assert shown == ["Your booking has moved."]


# --- NULs: still refused, without parsing what cannot hold one -------------------------------


def test_a_raw_nul_in_the_query_string_or_a_cookie_is_found():
    factory = RequestFactory()
    assert unstorable_part(factory.get("/", QUERY_STRING="q=a\x00b")) == "q"
    assert unstorable_part(factory.get("/", QUERY_STRING="q=a%00b")) == "q"
    assert unstorable_part(factory.get("/", HTTP_COOKIE='sessionid="a\\000b"')) == "cookie"
    assert unstorable_part(factory.get("/", HTTP_COOKIE="sessionid=a\x00b")) == "cookie"


def test_a_request_that_cannot_hold_a_nul_is_not_parsed():
    request = RequestFactory().get("/", QUERY_STRING="q=plain", HTTP_COOKIE="csrftoken=abc")
    assert unstorable_part(request) is None
    assert "GET" not in request.__dict__ and "COOKIES" not in request.__dict__


def test_the_message_level_and_count_reach_the_storage():
    def view(request):
        messages.set_level(request, messages.WARNING)
        messages.info(request, "Below the level: dropped.")
        messages.warning(request, "Kept.")
        assert messages.get_level(request) == messages.WARNING
        assert len(request._messages) == 1 and [str(m) for m in request._messages] == ["Kept."]
        assert request._messages.used  # shown: not kept for the next page
        return HttpResponse("ok")

    response = _message_middleware(view, RequestFactory().get("/"))
    assert "messages" not in response.cookies


def test_a_nonce_is_made_once_when_first_written():
    from clinic.middleware import LazyNonce

    request = RequestFactory().get("/")
    nonce = LazyNonce(CSPMiddleware(lambda request: None), request)
    assert not nonce  # not made yet
    first = str(nonce)
    assert nonce and len(first) == 24 and str(nonce) == first == request._csp_nonce
    assert nonce == first and nonce.startswith(first[:3])
