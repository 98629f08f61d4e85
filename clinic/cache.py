"""A shared cache for public content pages, cleared whenever staff change what they show.

Pages are cached per full path under a "content version" kept in the cache itself; any save
or delete of a service, therapist, article or category bumps the version, so every app
server stops serving the old pages at once (with Redis). Visitors with a session or a pending
message (staff, or a client just redirected after an action) always get a fresh page.
Scheduled articles appear when the cached copy expires (PAGE_CACHE_SECONDS).
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "content-version"


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version(**kwargs) -> None:
    """Signal receiver: staff changed something a public page shows."""
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def _personal(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def cached_page(view):
    """Serve a public GET page from the shared cache, and tell browsers to keep it briefly."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _personal(request):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{content_version()}:{path}"
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


def refresh_pages_when_saved(*models, through=()) -> None:
    """Bump the content version whenever one of `models` (or an m2m `through`) changes."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in models:
        uid = f"pages-{model._meta.label}"
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
    for model in through:
        m2m_changed.connect(
            bump_content_version, sender=model, dispatch_uid=f"pages-{model._meta.label}"
        )
