"""The site's own middleware: the site's language made active, bad input refused early, and
two of Django's and django-csp's made cheaper for the many responses that need nothing from
them."""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils import translation

from .views import bad_request


class SiteLanguageMiddleware:
    """Make the site's one language (LANGUAGE_CODE) the active one for the request, as
    Django's LocaleMiddleware would without choosing among languages.

    Django reads the active language on every translated string, every number and every
    `{% once %}`; with none activated each read looks for it, fails, and falls back to
    LANGUAGE_CODE, about twice the cost of finding it. A booking's page reads it a few dozen
    times.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(settings.LANGUAGE_CODE)
        return self.get_response(request)


# PostgreSQL cannot hold a NUL in text; the driver raises on it, which would be a 500. No
# other character survives Django's decoding (invalid UTF-8 becomes U+FFFD) that it refuses.
UNSTORABLE = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _unstorable(query_dict) -> str | None:
    """The first parameter whose name or a value holds an unstorable character."""
    for name, values in query_dict.lists():
        if UNSTORABLE in name or any(UNSTORABLE in value for value in values):
            return name.replace(UNSTORABLE, "")
    return None


def _cookies_may_hold_one(request) -> bool:
    # A NUL reaches a parsed cookie raw, or from an escape in a quoted value ("\000").
    raw = request.META.get("HTTP_COOKIE", "")
    return UNSTORABLE in raw or "\\" in raw


def _query_may_hold_one(request) -> bool:
    # Parameters are percent-decoded once: a NUL is "%00" in the query string, or raw.
    raw = request.META.get("QUERY_STRING", "")
    return UNSTORABLE in raw or "%00" in raw


def unstorable_part(request) -> str | None:
    """Which part of the request cannot be stored: "path", a parameter's name, or None.

    Cookies and the query string are parsed only when their raw text may hold a NUL.
    """
    if UNSTORABLE in request.path_info:
        return "path"
    if _cookies_may_hold_one(request):
        for name, value in request.COOKIES.items():
            if UNSTORABLE in name or UNSTORABLE in value:
                return "cookie"
    found = _unstorable(request.GET) if _query_may_hold_one(request) else None
    if found is None and request.method == "POST" and request.content_type in FORM_TYPES:
        found = _unstorable(request.POST)
    return found


class RejectUnstorableInputMiddleware:
    """Answer 400 (JSON under /api/) when the path, a cookie or a parameter holds a NUL.

    Nothing is logged as an error: Django notes the 400 at WARNING, like any bad request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        part = unstorable_part(request)
        if part is None:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"error": "The request holds a character that is not allowed.", "parameter": part},
                status=400,
            )
        return bad_request(request)


# The storages that keep messages only in the "messages" cookie or the session.
COOKIE_OR_SESSION_STORAGES = {
    "django.contrib.messages.storage.fallback.FallbackStorage",
    "django.contrib.messages.storage.cookie.CookieStorage",
    "django.contrib.messages.storage.session.SessionStorage",
}


class LazyMessages:
    """A request's message storage, made on first use. Whether there are any messages (what
    every page's template asks) is answered without making it when the request brings none:
    no messages cookie and no session, and nothing added since.

    A plain object rather than Django's SimpleLazyObject, which costs more to make than the
    rest of a light page's middleware: every attribute read of a lazy object goes through
    its `__getattribute__`. What the messages framework and templates use is written out
    (adding, iterating, the level); anything else is read from the storage.
    """

    __slots__ = ("_request", "_storage")

    def __init__(self, request):
        self._request = request
        self._storage = None

    @property
    def storage(self):
        """The storage itself, made now if it was not yet."""
        if self._storage is None:
            self._storage = default_storage(self._request)
        return self._storage

    @property
    def made(self) -> bool:
        return self._storage is not None

    def __bool__(self):
        if self._storage is None and _none_brought(self._request):
            return False
        return bool(self.storage)

    def __len__(self):
        return len(self.storage)

    def __iter__(self):
        return iter(self.storage)

    def __contains__(self, item):
        return item in self.storage

    def add(self, level, message, extra_tags=""):
        return self.storage.add(level, message, extra_tags)

    @property
    def level(self):
        return self.storage.level

    @level.setter
    def level(self, value):
        self.storage.level = value

    def __getattr__(self, name):  # the storage's other attributes (used, update, ...)
        if name.startswith("__"):  # copy, pickle and the like: no storage to make for them
            raise AttributeError(name)
        return getattr(self.storage, name)


def _none_brought(request) -> bool:
    """Whether `request` can hold no messages: none in a cookie, no session to keep them."""
    cookies = request.COOKIES
    return (
        settings.MESSAGE_STORAGE in COOKIE_OR_SESSION_STORAGES
        and CookieStorage.cookie_name not in cookies
        and settings.SESSION_COOKIE_NAME not in cookies
    )


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, with the message storage made only when something uses it
    (a view adding a message, a template showing them): most responses never do."""

    def process_request(self, request):
        request._messages = LazyMessages(request)

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if isinstance(storage, LazyMessages) and not storage.made:
            return response  # never made, so nothing was added or read: nothing to store
        return super().process_response(request, response)


# The attributes django-csp's decorators set on a response (@csp, @csp_update, @csp_replace).
PER_RESPONSE = frozenset(
    f"_csp_{kind}{suffix}" for kind in ("config", "update", "replace") for suffix in ("", "_ro")
)
POLICY_SETTINGS = {"CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"}


@functools.cache
def site_policies() -> tuple[tuple[str, str, tuple, str], ...]:
    """(header, policy, excluded path prefixes, exempting response attribute), enforced and
    report-only: the settings' policies, built once (the settings do not change)."""
    policies = []
    for header, name, exempt in (
        (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"),
    ):
        value = build_policy(report_only=header == HEADER_REPORT_ONLY)
        prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        if value:
            policies.append((header, value, prefixes, exempt))
    return tuple(policies)


@receiver(setting_changed)
def _policies_changed(*, setting, **kwargs):  # tests' override_settings
    if setting in POLICY_SETTINGS:
        site_policies.cache_clear()


# What django-csp leaves on a request once its header is written: asking it for the nonce
# raises, so it never holds one and one object serves every request.
NONCE_AFTER_RESPONSE = CheckableLazyObject(CSPMiddleware._csp_nonce_post_response)


class LazyNonce:
    """`request.csp_nonce` as django-csp makes it: the request's nonce, made when first
    written and the same for the rest of the request, and false until then. A plain object
    rather than django-csp's lazy one, for the reason given at LazyMessages: every request
    gets one, and most never use it."""

    __slots__ = ("_middleware", "_request")

    def __init__(self, middleware: CSPMiddleware, request):
        self._middleware = middleware
        self._request = request

    def __str__(self) -> str:
        return self._middleware._make_nonce(self._request)

    def __bool__(self) -> bool:
        return "_csp_nonce" in self._request.__dict__

    def __eq__(self, other) -> bool:
        return str(self) == other

    def __hash__(self) -> int:
        return hash(str(self))

    def __getattr__(self, name):  # the nonce's own, as text
        if name.startswith("__"):  # copy, pickle and the like: nothing to make a nonce for
            raise AttributeError(name)
        return getattr(str(self), name)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's policy built once rather than per response.

    A response that changes its policy (django-csp's decorators) or a page that used a nonce
    gets its header from django-csp itself, built for it; every other response gets the same
    header django-csp would build, with the same exemptions and excluded prefixes.
    """

    def process_request(self, request):
        request.csp_nonce = LazyNonce(self, request)

    def process_response(self, request, response):
        if "_csp_nonce" in request.__dict__ or not PER_RESPONSE.isdisjoint(response.__dict__):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):  # Django's debug pages
            return response
        for header, policy, prefixes, exempt in site_policies():
            if (
                header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = NONCE_AFTER_RESPONSE
        return response
