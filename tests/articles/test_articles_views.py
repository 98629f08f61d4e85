import json
import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from articles.models import Article

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld_of(response) -> dict:
    blocks = JSON_LD.findall(response.content.decode())
    assert len(blocks) == 1
    return json.loads(blocks[0])


def listed_slugs(response) -> list[str]:
    return [article.slug for article in response.context["articles"]]


# Visibility -------------------------------------------------------------------------------


def test_list_shows_only_published_articles_newest_first(client, make_article):
    older = make_article(title="Older article", days_ago=5)
    newer = make_article(title="Newer article", days_ago=1)
    make_article(title="Draft article", status=Article.Status.DRAFT)
    make_article(title="Scheduled article", published_at=timezone.now() + timedelta(days=3))

    response = client.get("/articles/")

    assert response.status_code == 200
    assert listed_slugs(response) == [newer.slug, older.slug]
    content = response.content.decode()
    assert "Newer article" in content
    assert "Draft article" not in content
    assert "Scheduled article" not in content


def test_published_article_is_public(client, make_article):
    article = make_article(title="How massage helps")

    response = client.get(f"/articles/{article.slug}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "How massage helps" in content
    assert "not visible to the public" not in content
    assert '<meta name="robots" content="noindex">' not in content


@pytest.mark.parametrize("user_kind", ["anonymous", "client"])
def test_draft_and_scheduled_articles_are_404_to_the_public(
    client, make_article, django_user_model, user_kind
):
    if user_kind == "client":
        client.force_login(django_user_model.objects.create_user(username="reader"))
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_scheduled_article_appears_when_its_date_comes(client, make_article):
    publish_at = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)
    with time_machine.travel(publish_at - timedelta(hours=1), tick=False):
        article = make_article(published_at=publish_at)
        assert client.get(article.get_absolute_url()).status_code == 404
        assert article.slug not in listed_slugs(client.get("/articles/"))

    with time_machine.travel(publish_at, tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert article.slug in listed_slugs(client.get("/articles/"))


def test_staff_preview_of_a_draft_has_banner_and_noindex(client, make_article, staff_user):
    draft = make_article(title="Work in progress", status=Article.Status.DRAFT)
    client.force_login(staff_user)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Draft — not visible to the public" in content
    assert '<meta name="robots" content="noindex">' in content
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_staff_preview_of_a_scheduled_article_says_when(client, make_article, staff_user):
    # 16:00 UTC on 2 June is 10:00 in Billings (MDT).
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        article = make_article(published_at=datetime(2025, 6, 2, 16, 0, tzinfo=UTC))
        client.force_login(staff_user)

        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Scheduled for Monday, June 2, 2025, 10:00 AM MDT" in content
    assert '<meta name="robots" content="noindex">' in content


@pytest.mark.parametrize("published_at", [None, datetime(2025, 5, 20, 16, 0, tzinfo=UTC)])
def test_a_draft_preview_never_says_published(client, make_article, staff_user, published_at):
    # A draft may carry a date: it was unpublished, or saved when the form filled one in.
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        draft = make_article(status=Article.Status.DRAFT, published_at=published_at)
        client.force_login(staff_user)

        content = client.get(draft.get_absolute_url()).content.decode()

    assert "Draft (not published)" in content
    assert "Published <time" not in content
    assert "Updated <time" not in content
    assert "article:published_time" not in content
    assert "datePublished" not in content  # nor in the structured data


def test_a_scheduled_preview_says_scheduled_not_published(client, make_article, staff_user):
    # 16:00 UTC on 2 June is 10:00 in Billings (MDT).
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        article = make_article(published_at=datetime(2025, 6, 2, 16, 0, tzinfo=UTC))
        client.force_login(staff_user)

        content = client.get(article.get_absolute_url()).content.decode()

    assert 'Scheduled for <time datetime="2025-06-02">June 2, 2025</time>' in content
    assert "Published <time" not in content


def test_staff_see_no_banner_on_a_published_article(client, make_article, staff_user):
    article = make_article()
    client.force_login(staff_user)

    content = client.get(article.get_absolute_url()).content.decode()

    assert "not visible to the public" not in content
    assert "noindex" not in content


def test_list_hides_drafts_from_staff_too(client, make_article, staff_user):
    make_article(status=Article.Status.DRAFT, title="Staff-only draft")
    client.force_login(staff_user)

    assert "Staff-only draft" not in client.get("/articles/").content.decode()


# Detail page ------------------------------------------------------------------------------


def test_detail_shows_author_dates_reading_time_and_sanitised_body(
    client, make_article, django_user_model
):
    author = django_user_model.objects.create_user(
        username="luis", first_name="Luis", last_name="Echeverría"
    )
    # 03:00 UTC on 1 January is still 31 December in Billings.
    published_at = datetime(2025, 1, 1, 3, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2025, 2, 10, 17, 0, tzinfo=UTC), tick=False):
        article = make_article(
            author=author,
            published_at=published_at,
            body="word " * 450 + "\n\n<script>alert(1)</script>[x](javascript:alert(1))",
        )
        content = client.get(article.get_absolute_url()).content.decode()

    assert "By Luis Echeverría" in content
    assert '<time datetime="2024-12-31">December 31, 2024</time>' in content
    assert "Updated <time" in content
    assert "February 10, 2025" in content
    assert "3 min read" in content
    assert "alert(1)" not in content
    assert "javascript:" not in content


def test_call_to_action_books_the_related_services(client, make_article, make_service):
    sixty = make_service(name="Sciatica relief massage", slug="sciatica-relief-60")
    ninety = make_service(name="Extended sciatica relief", slug="sciatica-relief-90", duration=90)
    retired = make_service(name="Old treatment", slug="retired-service", active=False)
    article = make_article(services=[sixty, ninety, retired])

    content = client.get(article.get_absolute_url()).content.decode()

    assert 'href="/book/sciatica-relief-60/"' in content
    assert 'href="/book/sciatica-relief-90/"' in content
    assert "/book/retired-service/" not in content


def test_call_to_action_without_related_services_offers_booking(client, make_article):
    article = make_article()

    content = client.get(article.get_absolute_url()).content.decode()

    assert 'href="/book/"' in content


def test_related_articles_are_published_from_the_same_category(client, make_article, make_category):
    topic, other_topic = make_category(), make_category()
    article = make_article(category=topic)
    siblings = [make_article(category=topic, days_ago=days) for days in (2, 3, 4, 5)]
    make_article(category=topic, status=Article.Status.DRAFT)
    make_article(category=topic, published_at=timezone.now() + timedelta(days=1))
    make_article(category=other_topic)

    response = client.get(article.get_absolute_url())

    assert list(response.context["related_articles"]) == siblings[:3]


@pytest.mark.parametrize(
    ("seo_title", "expected_title"),
    [
        ("", "<title>Sciatica basics · "),
        ("Sciatica | Rimrock", "<title>Sciatica | Rimrock</title>"),
    ],
)
def test_page_title_uses_seo_title_or_falls_back(client, make_article, seo_title, expected_title):
    article = make_article(title="Sciatica basics", seo_title=seo_title)

    assert expected_title in client.get(article.get_absolute_url()).content.decode()


def test_canonical_open_graph_and_json_ld(client, make_article, settings, django_user_model):
    settings.SITE_URL = "https://rimrock.example"
    author = django_user_model.objects.create_user(
        username="hannah", first_name="Hannah", last_name="Kowalski"
    )
    article = make_article(
        slug="desk-neck",
        title="Desk work & your neck",
        summary="Why desk work tightens necks.",
        seo_description="Neck tension from desk work, explained.",
        author=author,
    )

    response = client.get(article.get_absolute_url())
    content = response.content.decode()

    url = "https://rimrock.example/articles/desk-neck/"
    assert f'<link rel="canonical" href="{url}">' in content
    assert '<meta property="og:type" content="article">' in content
    assert '<meta property="og:title" content="Desk work &amp; your neck">' in content
    assert (
        '<meta property="og:description" content="Neck tension from desk work, explained.">'
        in content
    )
    assert f'<meta property="og:url" content="{url}">' in content
    assert "og:image" not in content

    data = json_ld_of(response)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == "Desk work & your neck"
    assert data["description"] == "Neck tension from desk work, explained."
    assert data["author"] == {"@type": "Person", "name": "Hannah Kowalski"}
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == settings.CLINIC["name"]
    assert data["mainEntityOfPage"]["@id"] == url
    published = datetime.fromisoformat(data["datePublished"])
    assert published == article.published_at.replace(microsecond=0)
    assert published.utcoffset() is not None
    assert datetime.fromisoformat(data["dateModified"]) == article.updated_at.replace(microsecond=0)


def test_json_ld_cannot_break_out_of_its_script_element(client, make_article):
    title = 'Tension </script><script>alert("x")</script> & <!-- relief'
    article = make_article(title=title, summary="<b>bold</b> claims")

    response = client.get(article.get_absolute_url())
    block = JSON_LD.findall(response.content.decode())[0]

    assert "<" not in block
    assert ">" not in block
    assert json_ld_of(response)["headline"] == title


def test_cover_image_is_shown_and_shared(client, make_article, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://rimrock.example"
    buffer = BytesIO()
    Image.new("RGB", (120, 63), "teal").save(buffer, format="PNG")
    article = make_article(
        cover_image=SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png"),
        cover_image_alt="A therapist easing a client's lower back",
    )

    response = client.get(article.get_absolute_url())
    content = response.content.decode()

    image_url = f"https://rimrock.example{article.cover_image.url}"
    assert article.cover_image.url.startswith("/media/articles/")
    assert f'<meta property="og:image" content="{image_url}">' in content
    assert 'alt="A therapist easing a client&#x27;s lower back"' in content
    assert 'width="120" height="63"' in content
    assert json_ld_of(response)["image"] == image_url


def test_pages_have_no_inline_styles_or_executable_scripts(client, make_article, staff_user):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(staff_user)

    for url in ["/articles/", article.get_absolute_url(), article.category.get_absolute_url()]:
        content = client.get(url).content.decode()
        assert "style=" not in content
        scripts = re.findall(r"<script([^>]*)>", content)
        assert all('type="application/ld+json"' in attributes for attributes in scripts)


# List: pagination, search, categories, query budget ---------------------------------------


def test_list_is_paginated_ten_per_page(client, make_article):
    articles = [make_article(days_ago=days) for days in range(1, 13)]

    first = client.get("/articles/")
    second = client.get("/articles/?page=2")

    assert listed_slugs(first) == [a.slug for a in articles[:10]]
    assert listed_slugs(second) == [a.slug for a in articles[10:]]
    assert '<nav aria-label="Article pages"' in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    assert client.get("/articles/?page=3").status_code == 404


def test_pagination_keeps_the_search_and_category(client, make_article, make_category):
    topic = make_category(slug="sciatica")
    for days in range(1, 13):
        make_article(category=topic, title=f"Sciatica tip {days}", days_ago=days)

    content = client.get("/articles/?q=tip&category=sciatica").content.decode()

    assert 'href="?q=tip&amp;category=sciatica&amp;page=2"' in content


def test_search_covers_title_summary_and_body(client, make_article):
    by_title = make_article(title="Piriformis and you")
    by_summary = make_article(summary="All about the piriformis muscle.")
    by_body = make_article(body="The **piriformis** sits deep in the hip.")
    make_article(title="Neck stretches", body="Nothing about hips.")
    make_article(title="Draft on piriformis", status=Article.Status.DRAFT)

    response = client.get("/articles/", {"q": "  PIRIFORMIS "})

    assert set(listed_slugs(response)) == {by_title.slug, by_summary.slug, by_body.slug}
    content = response.content.decode()
    assert "3 articles match “PIRIFORMIS”" in content
    assert '<meta name="robots" content="noindex">' in content
    assert 'value="PIRIFORMIS"' in content


def test_search_needs_every_word(client, make_article):
    both = make_article(title="Hip pain", body="Sitting all day.")
    make_article(title="Hip stretches", body="Standing up.")

    response = client.get("/articles/", {"q": "hip sitting"})

    assert listed_slugs(response) == [both.slug]


def test_search_without_results_says_so(client, make_article):
    make_article()

    content = client.get("/articles/", {"q": "zzzz"}).content.decode()

    assert "No articles match your search" in content


def test_category_filter_on_the_list(client, make_article, make_category):
    sciatica, neck = make_category(slug="sciatica"), make_category(slug="neck")
    in_topic = make_article(category=sciatica)
    make_article(category=neck)

    response = client.get("/articles/?category=sciatica")

    assert listed_slugs(response) == [in_topic.slug]
    assert client.get("/articles/?category=unknown").status_code == 404
    assert listed_slugs(client.get("/articles/?category=")) != []


def test_category_page(client, make_article, make_category, settings):
    settings.SITE_URL = "https://rimrock.example"
    topic = make_category(name="Neck & shoulder", slug="neck-and-shoulder", description="Necks.")
    in_topic = make_article(category=topic)
    make_article(category=topic, status=Article.Status.DRAFT)
    make_article()

    response = client.get("/articles/category/neck-and-shoulder/")

    assert response.status_code == 200
    assert listed_slugs(response) == [in_topic.slug]
    content = response.content.decode()
    assert "<h1>Neck &amp; shoulder</h1>" in content
    assert 'href="https://rimrock.example/articles/category/neck-and-shoulder/"' in content
    assert client.get("/articles/category/nothing-here/").status_code == 404


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/articles/").status_code == 200
    return len(queries)


def test_list_page_query_count_does_not_grow_with_articles(
    client, make_article, django_user_model, django_assert_max_num_queries
):
    author = django_user_model.objects.create_user(username="author", first_name="A")
    for days in range(1, 4):
        make_article(days_ago=days, author=author)
    with django_assert_max_num_queries(6):
        few = _list_queries(client)

    for days in range(4, 13):
        make_article(days_ago=days, author=author)
    with django_assert_max_num_queries(6):
        many = _list_queries(client)

    assert few == many
