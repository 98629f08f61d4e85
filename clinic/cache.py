"""A shared cache for public content pages, cleared whenever staff change what they show.

Pages are cached per full path under a "content version" kept in the cache itself; any save
or delete of a service, therapist, article or category bumps the version, so every app
server stops serving the old pages at once (with Redis). Visitors with a session or a pending
message (staff, or a client just redirected after an action) always get a fresh page.
A periodic job bumps the version too when a scheduled article goes live (articles/tasks.py).

Each cached view names the query parameters it reads; only those are part of the key, and
one path keeps at most PAGE_CACHE_COPIES_PER_PATH copies per version, so a flood of made-up
parameters cannot fill the cache. A cache that is down or full only means uncached pages
(clinic/cache_backends.py).

Free times (the booking pages and the availability API) are cached the same way for a
minute at most, under a "schedule version" bumped by any change to bookings, hours, time off,
closures, services, therapists or the policy. A cached list may be a moment stale, which is
fine: the check made under the lock when booking decides (DESIGN.md).
"""

import functools
import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "content-version"
SCHEDULE_VERSION_KEY = "schedule-version"
FREE_TIMES_SECONDS = 60
# On free-time answers: "hit" when served from the cache, "miss" when computed (make bench
# counts them under load).
CACHE_HEADER = "X-Free-Times-Cache"


def _first_number() -> int:
    # Versions count up from a random start: atomic in Redis, and never back to an old
    # number when a key was evicted (the odds of meeting an earlier run are nil).
    return secrets.randbits(62)


def _version(key: str) -> int:
    version = cache.get(key)
    if version is None:
        cache.add(key, _first_number(), timeout=None)
        version = cache.get(key)
    return version


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, _first_number(), timeout=None)


def versions(keys: list[str]) -> dict[str, int | None]:
    """The current number of each version key, in one round trip when they all exist; a key
    seen for the first time starts afresh (`_first_number`). None for every key while the cache
    is down: nothing can be trusted to be current then."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _first_number(), timeout=None)
            found[key] = cache.get(key)
    return found


def bump_versions(keys) -> None:
    """Something these version keys stand for changed: bump them now and after commit (see
    `bump_schedule_version`)."""
    keys = list(keys)

    def bump_all():
        for key in keys:
            _bump(key)

    bump_all()
    transaction.on_commit(bump_all, robust=True)


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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _page_key(prefix: str, request, params: tuple[str, ...]) -> str:
    # Only what the view reads: any other parameter leaves the page as it is.
    values = [(name, request.GET.getlist(name)) for name in params if name in request.GET]
    return f"{prefix}:{_digest(repr((request.path, values)))}"


def _store(prefix: str, request, key: str, response, timeout: int) -> None:
    """Cache `response`, unless its path already has its share of copies under `prefix`."""
    copies = f"copies:{prefix}:{_digest(request.path)}"
    cache.add(copies, 0, timeout=timeout)
    try:
        count = cache.incr(copies)
    except ValueError:  # the counter expired just now: a new period
        count = 1
    if count is not None and count <= settings.PAGE_CACHE_COPIES_PER_PATH:
        cache.set(key, response, timeout=timeout)


def cached_free_times(view=None, *, params: tuple[str, ...] = ()):
    """Serve free-time pages and API answers from the shared cache for up to a minute.

    `params`: the query parameters the view reads. The key holds the schedule version and
    the current minute (free times move as the minimum notice moves); browsers are still
    told not to keep the page.
    """
    if view is None:
        return functools.partial(cached_free_times, params=params)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or _personal(request)
            or not settings.FREE_TIMES_CACHE
        ):
            return view(request, *args, **kwargs)
        prefix = f"free:{_version(SCHEDULE_VERSION_KEY)}:{int(time.time() // 60)}"
        key = _page_key(prefix, request, params)
        response = cache.get(key)
        if response is not None:
            response[CACHE_HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies:
            _store(prefix, request, key, response, FREE_TIMES_SECONDS)
        response[CACHE_HEADER] = "miss"
        return response

    return wrapper


def cached_page(view=None, *, params: tuple[str, ...] = (), free_times: bool = False):
    """Serve a public GET page from the shared cache, and tell browsers to keep it briefly.

    `params`: the query parameters the view reads (none by default). With `free_times` the
    page also shows free times (a therapist's next one): its copy is also keyed on the
    schedule version and the minute, and kept a minute at most.
    """
    if view is None:
        return functools.partial(cached_page, params=params, free_times=free_times)
    timeout = FREE_TIMES_SECONDS if free_times else None

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _personal(request):
            return view(request, *args, **kwargs)
        prefix = f"page:{content_version()}"
        if free_times:
            prefix += f":{_version(SCHEDULE_VERSION_KEY)}:{int(time.time() // 60)}"
        key = _page_key(prefix, request, params)
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
                _store(prefix, request, key, response, timeout or settings.PAGE_CACHE_SECONDS)
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
