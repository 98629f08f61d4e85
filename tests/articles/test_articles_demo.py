from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group

from articles.demo import seed_articles
from articles.models import Article, Category
from clinic import demo_content

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 11, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def authors(django_user_model):
    names = {"maren": "Maren Østby", "luis": "Luis Echeverría", "hannah": "Hannah Kowalski"}
    return {
        key: django_user_model.objects.create_user(
            username=key, first_name=name.split()[0], last_name=name.split()[1]
        )
        for key, name in names.items()
    }


@pytest.fixture
def services(make_service):
    return {
        data["slug"]: make_service(name=data["name"], slug=data["slug"], duration=data["duration"])
        for data in demo_content.SERVICES
    }


def snapshot():
    return {
        article.slug: (
            article.title,
            article.status,
            article.published_at,
            article.updated_at,
            article.body_html,
            tuple(article.related_services.values_list("slug", flat=True)),
        )
        for article in Article.objects.all()
    }


def test_seed_articles_creates_the_demo_content(authors, services):
    with time_machine.travel(NOW, tick=False):
        count = seed_articles(authors=authors, services=services, now=NOW)

    assert count == len(demo_content.ARTICLES) == Article.objects.count()
    assert Category.objects.count() == len(demo_content.CATEGORIES)
    assert Group.objects.filter(name="Editor").exists()

    first = Article.objects.get(slug="how-massage-helps-sciatica")
    assert first.published_at == NOW - timedelta(days=60)
    assert first.updated_at == first.published_at
    assert first.author == authors["maren"]
    assert first.category.slug == "sciatica"
    assert "<h2>What sciatica actually is</h2>" in first.body_html
    assert set(first.related_services.values_list("slug", flat=True)) == {
        "sciatica-relief-60",
        "sciatica-relief-90",
    }

    scheduled = [a["slug"] for a in demo_content.ARTICLES if a["publish_offset_days"] > 0]
    published = set(Article.objects.published(NOW).values_list("slug", flat=True))
    assert published == {a["slug"] for a in demo_content.ARTICLES} - set(scheduled)


def test_seed_articles_twice_changes_nothing(authors, services):
    with time_machine.travel(NOW, tick=False):
        seed_articles(authors=authors, services=services, now=NOW)
    before = snapshot()

    later = NOW + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        assert seed_articles(authors=authors, services=services, now=later) == len(before)

    assert snapshot() == before
    assert Category.objects.count() == len(demo_content.CATEGORIES)
    assert Group.objects.filter(name="Editor").count() == 1


def test_seeded_articles_render(client, authors, services):
    seed_articles(authors=authors, services=services, now=datetime.now(UTC))

    response = client.get("/articles/how-massage-helps-sciatica/")

    assert response.status_code == 200
    assert 'href="/book/sciatica-relief-60/"' in response.content.decode()
    assert client.get("/articles/winter-snow-shoveling-back-and-shoulders/").status_code == 404
