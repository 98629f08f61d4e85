"""A shared cache for public content pages, cleared whenever staff change what they show.

Pages are cached per full path under a "content version" kept in the cache itself; any save
or delete of a service, therapist, article or category bumps the version, so every app
server stops serving the old pages at once (with Redis). Visitors with a session or a pending
message (staff, or a client just redirected after an action) always get a fresh page.
Scheduled articles appear when the cached copy expires (PAGE_CACHE_SECONDS).

Free times (the booking pages and the availability API) are cached the same way for a
minute at most, under a "schedule version" bumped by any change to bookings, hours, time off,
closures, services, therapists or the policy. A cached list may be a moment stale, which is
fine: the check made under the lock when booking decides (DESIGN.md).
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "content-version"
SCHEDULE_VERSION_KEY = "schedule-version"
FREE_TIMES_SECONDS = 60


def _version(key: str) -> int:
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def _bump(key: str) -> None:
    # Counting up from a clock reading: atomic in Redis, and never back to an old number if
    # the key was evicted (a fresh start is a new clock reading).
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, time.time_ns(), timeout=None)


def content_version() -> int:
    return _version(VERSION_KEY)


def bump_content_version(**kwargs) -> None:
    """Signal receiver: staff changed something a public page shows."""
    _bump(VERSION_KEY)


def bump_schedule_version(**kwargs) -> None:
    """Signal receiver: something that changes free times was saved.

    Bumped at once and again after commit, so no request that read the database before the
    commit can leave an old list cached under the new version.
    """
    _bump(SCHEDULE_VERSION_KEY)
    transaction.on_commit(lambda: _bump(SCHEDULE_VERSION_KEY), robust=True)


def _personal(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


# The query parameters any cached view reads; others cannot change a page, so they are left out
# of the key (and cannot fill the cache with copies of one page).
KEY_PARAMETERS = ("page", "category", "q", "service", "therapist", "start", "days", "date")


def _page_key(prefix: str, request) -> str:
    params = [(name, request.GET.getlist(name)) for name in KEY_PARAMETERS if name in request.GET]
    identity = repr((request.path, params))
    return f"{prefix}:{hashlib.sha256(identity.encode()).hexdigest()}"


def cached_free_times(view):
    """Serve free-time pages and API answers from the shared cache for up to a minute.

    The key holds the schedule version and the current minute (free times move as the
    minimum notice moves); browsers are still told not to keep the page.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _personal(request):
            return view(request, *args, **kwargs)
        minute = int(time.time() // 60)
        key = _page_key(f"free:{_version(SCHEDULE_VERSION_KEY)}:{minute}", request)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies:
                cache.set(key, response, timeout=FREE_TIMES_SECONDS)
        return response

    return wrapper


def cached_page(view):
    """Serve a public GET page from the shared cache, and tell browsers to keep it briefly."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _personal(request):
            return view(request, *args, **kwargs)
        key = _page_key(f"page:{content_version()}", request)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if (
                response.status_code == 200
                and not response.cookies
                and not response.has_header("Cache-Control")
            ):
                patch_cache_control(response, public=True, max_age=settings.BROWSER_CACHE_SECONDS)
                patch_vary_headers(response, ["Cookie"])
                cache.set(key, response, timeout=settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper


def _connect(receiver, name: str, models, through) -> None:
    for model in models:
        uid = f"{name}-{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
    for model in through:
        m2m_changed.connect(receiver, sender=model, dispatch_uid=f"{name}-{model._meta.label}")


def refresh_pages_when_saved(*models, through=()) -> None:
    """Bump the content version whenever one of `models` (or an m2m `through`) changes."""
    _connect(bump_content_version, "pages", models, through)


def refresh_free_times_when_saved(*models, through=()) -> None:
    """Bump the schedule version whenever one of `models` (or an m2m `through`) changes."""
    _connect(bump_schedule_version, "free-times", models, through)
