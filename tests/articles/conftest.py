from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from articles.models import Article, Category
from tests import factories

_sequence = count(1)


@pytest.fixture
def make_category(db):
    def make(*, name=None, slug=None, description="About this topic."):
        number = next(_sequence)
        return Category.objects.create(
            name=name or f"Topic {number}", slug=slug or f"topic-{number}", description=description
        )

    return make


@pytest.fixture
def make_service(db):
    """tests.factories.make_service with a fresh slug each time."""

    def make(*, slug=None, **fields):
        return factories.make_service(slug=slug or f"service-{next(_sequence)}", **fields)

    return make


@pytest.fixture
def make_therapist(db):
    """tests.factories.make_therapist with a fresh slug each time, active or not."""

    def make(*, slug=None, active=True, **fields):
        number = next(_sequence)
        therapist = factories.make_therapist(
            slug=slug or f"therapist-{number}", email=f"therapist-{number}@clinic.example", **fields
        )
        if not active:
            therapist.active = False
            therapist.save(update_fields=["active"])
        return therapist

    return make


@pytest.fixture
def make_article(db, make_category, django_user_model):
    def make(
        *,
        title=None,
        slug=None,
        summary="A short summary for the list.",
        body="## Heading\n\nSome *helpful* words.",
        category=None,
        author=None,
        status=Article.Status.PUBLISHED,
        published_at=None,
        days_ago=1,
        services=(),
        **fields,
    ):
        number = next(_sequence)
        if published_at is None and status == Article.Status.PUBLISHED:
            published_at = timezone.now() - timedelta(days=days_ago)
        article = Article.objects.create(
            title=title or f"Article number {number}",
            slug=slug or f"article-{number}",
            summary=summary,
            body=body,
            category=category or make_category(),
            author=author,
            status=status,
            published_at=published_at,
            **fields,
        )
        article.related_services.set(services)
        return article

    return make


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", password="not-used", is_staff=True, first_name="Ed", last_name="Itor"
    )
