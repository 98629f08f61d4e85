import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db

SITE = "https://rimrock.example"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own response, not untrusted input


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def mixed_articles(make_article):
    return {
        "older": make_article(slug="older", title="Older", days_ago=3),
        "newer": make_article(slug="newer", title="Newer", days_ago=1),
        "draft": make_article(slug="draft", status=Article.Status.DRAFT),
        "scheduled": make_article(
            slug="scheduled", published_at=timezone.now() + timedelta(days=2)
        ),
    }


def test_rss_feed_lists_published_articles_newest_first(client, mixed_articles):
    response = client.get("/articles/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response.content).find("channel")
    assert channel.findtext("link") == f"{SITE}/articles/"
    items = channel.findall("item")
    assert [item.findtext("link") for item in items] == [
        f"{SITE}/articles/newer/",
        f"{SITE}/articles/older/",
    ]
    assert items[0].findtext("title") == "Newer"
    assert items[0].findtext("description") == mixed_articles["newer"].summary
    assert items[0].findtext("category") == mixed_articles["newer"].category.name


def test_atom_feed_lists_published_articles(client, mixed_articles):
    response = client.get("/articles/feed/atom/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        f"{SITE}/articles/newer/",
        f"{SITE}/articles/older/",
    ]
    updated = datetime.fromisoformat(entries[0].findtext(f"{ATOM}updated"))
    assert updated == mixed_articles["newer"].updated_at


def test_feed_holds_the_newest_twenty(client, make_article):
    articles = [make_article(days_ago=days) for days in range(1, 23)]

    channel = parse_xml(client.get("/articles/feed/").content).find("channel")

    links = [item.findtext("link") for item in channel.findall("item")]
    assert links == [f"{SITE}{a.get_absolute_url()}" for a in articles[:20]]


def test_sitemap_sections(client, mixed_articles, make_service, make_therapist):
    service = make_service(slug="sciatica-relief-60")
    make_service(slug="retired", active=False)
    therapist = make_therapist(slug="maren-ostby")
    make_therapist(slug="retired-therapist", active=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    urls = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in parse_xml(response.content).findall(f"{SITEMAP}url")
    }
    for path in ["/", "/services/", "/therapists/", "/articles/", "/book/"]:
        assert f"{SITE}{path}" in urls
    assert f"{SITE}{service.get_absolute_url()}" in urls
    assert f"{SITE}/services/retired/" not in urls
    assert f"{SITE}{therapist.get_absolute_url()}" in urls
    assert f"{SITE}/therapists/retired-therapist/" not in urls
    assert f"{SITE}/articles/older/" in urls
    assert f"{SITE}/articles/newer/" in urls
    assert f"{SITE}/articles/draft/" not in urls
    assert f"{SITE}/articles/scheduled/" not in urls
    assert f"{SITE}{mixed_articles['older'].category.get_absolute_url()}" in urls
    newer = mixed_articles["newer"]
    assert urls[f"{SITE}/articles/newer/"] == timezone.localdate(newer.updated_at).isoformat()


def test_feed_summaries_reach_readers_as_text_not_markup(client, make_article):
    make_article(
        slug="escaped", summary='Pain & posture: why <script>alert(1)</script> "sitting" hurts'
    )
    rss = parse_xml(client.get("/articles/feed/").content)
    atom = parse_xml(client.get("/articles/feed/atom/").content)
    # Readers treat both as HTML: what they unescape must be the text, escaped once more.
    expected = (
        "Pain &amp; posture: why &lt;script&gt;alert(1)&lt;/script&gt; &quot;sitting&quot; hurts"
    )
    assert rss.find("channel/item/description").text == expected
    summary = atom.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html" and summary.text == expected
