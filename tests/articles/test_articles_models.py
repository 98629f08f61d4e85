from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from articles.models import Article

NOW = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_published_means_status_published_and_date_reached(make_article):
    live = make_article(published_at=NOW - timedelta(days=1))
    just_now = make_article(published_at=NOW)
    scheduled = make_article(published_at=NOW + timedelta(minutes=1))
    draft = make_article(status=Article.Status.DRAFT, published_at=NOW - timedelta(days=1))
    undated_draft = make_article(status=Article.Status.DRAFT)

    published = set(Article.objects.published(NOW))

    assert published == {live, just_now}
    assert scheduled not in published
    assert draft not in published
    assert undated_draft not in published
    assert set(Article.objects.published(NOW + timedelta(minutes=1))) == {
        live,
        just_now,
        scheduled,
    }


@pytest.mark.django_db
def test_state_helpers(make_article):
    scheduled = make_article(published_at=NOW + timedelta(days=2))
    live = make_article(published_at=NOW - timedelta(days=2))
    draft = make_article(status=Article.Status.DRAFT)

    assert scheduled.is_scheduled(NOW) and not scheduled.is_published(NOW)
    assert live.is_published(NOW) and not live.is_scheduled(NOW)
    assert not draft.is_published(NOW) and not draft.is_scheduled(NOW)
    assert scheduled.state_label(NOW) == "Scheduled"
    assert live.state_label(NOW) == "Published"
    assert draft.state_label(NOW) == "Draft"


@pytest.mark.django_db
def test_seo_fields_fall_back_to_title_and_summary(make_article):
    article = make_article(title="Sciatica basics", summary="What it is.")
    assert article.meta_title == "Sciatica basics"
    assert article.meta_description == "What it is."

    article.seo_title = "Sciatica | Rimrock"
    article.seo_description = "Search engine text."
    assert article.meta_title == "Sciatica | Rimrock"
    assert article.meta_description == "Search engine text."


@pytest.mark.django_db
def test_reading_time_and_author_name(make_article, django_user_model):
    author = django_user_model.objects.create_user(
        username="maren", first_name="Maren", last_name="Østby"
    )
    article = make_article(body="word " * 401, author=author)

    assert article.reading_minutes == 3
    assert article.author_name == "Maren Østby"
    assert make_article(body="short").reading_minutes == 1


@pytest.mark.django_db
def test_get_absolute_url(make_article):
    assert make_article(slug="neck-pain").get_absolute_url() == "/articles/neck-pain/"


@pytest.mark.django_db
def test_clean_requires_a_date_to_publish(make_article):
    article = make_article(status=Article.Status.DRAFT)
    article.status = Article.Status.PUBLISHED

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.error_dict["published_at"][0].code == "publish_date_required"


@pytest.mark.django_db
def test_clean_rejects_slugs_that_clash_with_site_paths(make_article):
    article = make_article(status=Article.Status.DRAFT)
    article.slug = "feed"

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.error_dict["slug"][0].code == "reserved_slug"


@pytest.mark.django_db
def test_clean_requires_alt_text_with_a_cover_image(make_article):
    article = make_article(status=Article.Status.DRAFT)
    article.cover_image.name = "articles/photo.jpg"

    with pytest.raises(ValidationError) as error:
        article.full_clean(exclude=["cover_image"])

    assert error.value.error_dict["cover_image_alt"][0].code == "alt_required"


@pytest.mark.django_db
def test_database_refuses_a_published_article_without_a_date(make_article):
    article = make_article()

    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(published_at=None)
