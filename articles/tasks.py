"""Jobs for articles: scheduled articles go live on the cached pages within a minute."""

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from clinic.cache import bump_content_version

from .models import Article

LATEST_LIVE_KEY = "articles-latest-live"


def published_pages_refresh(*, now) -> bool:
    """Refresh the cached pages if an article has gone live since they were last refreshed.

    The article page itself is live at its publish time; the lists, the home page and the
    feeds are cached copies, so a periodic job (settings.PERIODIC_JOBS) compares the newest
    live publish date with the one it saw last, and bumps the content version on a change.
    Returns whether it did. Idempotent, and harmless on several workers at once.
    """
    latest = Article.objects.published(now).aggregate(latest=Max("published_at"))["latest"]
    seen = cache.get(LATEST_LIVE_KEY)
    if latest is None or seen == latest.isoformat():
        return False
    bump_content_version()
    cache.set(LATEST_LIVE_KEY, latest.isoformat(), timeout=None)
    return True


@task()
def refresh_published_pages() -> bool:
    return published_pages_refresh(now=timezone.now())
