"""A scheduled article appears on the cached lists, home page and feeds within a minute."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.tasks import published_pages_refresh, refresh_published_pages

pytestmark = pytest.mark.django_db


def test_a_scheduled_article_reaches_the_cached_pages_when_the_job_runs(client, make_article):
    now = timezone.now().replace(microsecond=0)
    make_article(slug="already-out", title="Already out", published_at=now - timedelta(days=1))
    make_article(slug="going-live", title="Going live", published_at=now + timedelta(seconds=30))
    pages = ["/articles/", "/", "/articles/feed/", "/articles/feed/atom/"]
    with time_machine.travel(now, tick=False):
        refresh_published_pages.enqueue()  # what the workers run every 30 seconds
        assert all("Going live" not in client.get(page).content.decode() for page in pages)
    with time_machine.travel(now + timedelta(seconds=40), tick=False):
        # Its own page is live at once; the cached copies still show the old list...
        assert client.get("/articles/going-live/").status_code == 200
        assert "Going live" not in client.get("/articles/").content.decode()
        refresh_published_pages.enqueue()  # ...until the job's next run
        assert all("Going live" in client.get(page).content.decode() for page in pages)


def test_the_job_refreshes_only_when_something_went_live(make_article):
    now = timezone.now()
    make_article(published_at=now - timedelta(hours=1))
    assert published_pages_refresh(now=now) is True
    assert published_pages_refresh(now=now + timedelta(minutes=1)) is False
