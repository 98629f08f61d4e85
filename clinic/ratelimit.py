"""Per-address rate limits on the views bots like: booking, booking-link lookups, admin login.

A fixed window counted in the "ratelimit" cache (`cache.add` then `cache.incr`, both atomic in
Redis), so every app server shares the count when RATELIMIT_REDIS_URL (or REDIS_URL) is set.
That cache is nobody else's, so no flood of pages can evict a count. When it is down or full,
each process counts on its own until it is back: a limit a few times looser, never none.
We keep this small helper rather than a library because the well-known one refuses Django's
built-in Redis and local-memory caches.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.shortcuts import render

from .cache_backends import CacheUnavailable

# This process's own counts, relied on only while the shared cache is unavailable.
_local_counts = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def client_address(request) -> str:
    """The client's address; behind N trusted proxies, the Nth address from the right."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope: str, request, *, limit: int, window: int) -> bool:
    """Count one request; True while the address is within `limit` requests per `window` s."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:24]
    key = f"ratelimit:{scope}:{address}:{int(time.time() // window)}"
    shared = caches["ratelimit"]
    if isinstance(shared, LocMemCache):  # no shared cache: this process's count is the count
        return _count(shared, key, window) <= limit
    # Counted here too, so if the shared cache goes away mid-window this process still
    # remembers what it saw: an outage never starts anyone's count again from zero.
    local = _count(_local_counts, key, window)
    try:
        count = _count(shared, key, window)
    except CacheUnavailable:  # logged once by the cache itself
        count = local
    return count <= limit


def _count(cache, key: str, window: int) -> int:
    """This request's number in its window: 1 for the first. Counting first (one call for
    all but the window's first request), adding the key only when it is not there yet."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request, or its key just expired
        pass
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)  # another request began the window meanwhile
    except ValueError:  # and it expired at once: a new window
        cache.add(key, 1, timeout=window + 1)
        return 1


def too_many_requests(request, window: int):
    response = render(request, "429.html", {"window": window}, status=429)
    response["Retry-After"] = str(window)
    return response


def rate_limited(scope: str, *, methods=("POST",), keep_input=False):
    """Limit a view per client address to settings.RATE_LIMITS[scope] = (requests, seconds).

    With `keep_input`, an over-limit request still reaches the view, marked with
    `request.rate_limited` (the seconds to wait), so the view can show the client's form again
    with what they typed, changing nothing.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            request.rate_limited = 0
            if request.method in methods:
                limit, window = settings.RATE_LIMITS[scope]
                if not hit(scope, request, limit=limit, window=window):
                    if not keep_input:
                        return too_many_requests(request, window)
                    request.rate_limited = window
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
