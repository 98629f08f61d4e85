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
