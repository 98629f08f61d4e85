"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Several worker processes need a shared cache for page refreshes and rate limits."""
    if settings.DEBUG or settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set, so every worker process keeps its own cache.",
            hint=(
                "Pages would refresh up to PAGE_CACHE_SECONDS late after staff edits, and rate "
                "limits would count per process. Set REDIS_URL (see README, Production)."
            ),
            id="clinic.W001",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def rate_limits_apart(app_configs, **kwargs):
    """Rate-limit counts in the page cache's Redis could be evicted by a flood of pages."""
    if settings.DEBUG or not settings.REDIS_URL:
        return []
    if settings.RATELIMIT_REDIS_URL != settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "Rate limits share the page cache's Redis (RATELIMIT_REDIS_URL is not set).",
            hint=(
                "A page cache that evicts when full can evict rate-limit counts too. Set "
                "RATELIMIT_REDIS_URL to a Redis of its own with maxmemory-policy noeviction "
                "(see README, Production)."
            ),
            id="clinic.W002",
        )
    ]
