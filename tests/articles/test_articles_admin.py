from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from articles.demo import ensure_editor_group
from articles.models import Article

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 1, 16, 0, tzinfo=UTC)
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_superuser(
        username="owner", email="owner@example.com", password="not-used"
    )


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="writer", password="not-used", is_staff=True
    )
    user.groups.add(ensure_editor_group())
    return user


def test_changelist_shows_status_and_preview_link(client, owner, make_article):
    draft = make_article(title="A draft", status=Article.Status.DRAFT)
    scheduled = make_article(title="Coming soon", published_at=timezone.now() + timedelta(days=1))
    client.force_login(owner)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<a href="/articles/{draft.slug}/">Preview</a>' in content
    assert f'<a href="/articles/{scheduled.slug}/">Preview</a>' in content
    assert "Scheduled" in content


def test_changelist_search_and_filters(client, owner, make_article):
    wanted = make_article(title="Piriformis pain")
    make_article(title="Neck stretches")
    client.force_login(owner)

    response = client.get(CHANGELIST, {"q": "piriformis"})
    assert list(response.context["cl"].result_list) == [wanted]

    response = client.get(
        CHANGELIST, {"status__exact": "published", "category__id__exact": wanted.category_id}
    )
    assert list(response.context["cl"].result_list) == [wanted]


def test_change_form_links_to_the_preview(client, owner, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(owner)

    response = client.get(reverse("admin:articles_article_change", args=[draft.pk]))

    content = response.content.decode()
    assert f'<a href="/articles/{draft.slug}/">Preview</a>' in content
    view_on_site = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(Article).pk, draft.pk]
    )
    assert f'href="{view_on_site}"' in content
    redirect = client.get(view_on_site)
    assert redirect.status_code == 302
    assert redirect["Location"].endswith(f"/articles/{draft.slug}/")
    # The preview itself works for staff.
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_publish_now_action(client, owner, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=NOW + timedelta(days=10))
    live_since = NOW - timedelta(days=30)
    live = make_article(published_at=live_since)
    client.force_login(owner)

    with time_machine.travel(NOW, tick=False):
        response = client.post(
            CHANGELIST,
            {"action": "publish_now", "_selected_action": [draft.pk, scheduled.pk, live.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "2 articles published." in response.content.decode()
    for article in (draft, scheduled, live):
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
    assert draft.published_at == NOW
    assert scheduled.published_at == NOW
    assert live.published_at == live_since
    assert set(Article.objects.published(NOW)) == {draft, scheduled, live}


def test_unpublish_action(client, owner, make_article):
    live = make_article()
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    client.force_login(owner)

    response = client.post(
        CHANGELIST,
        {"action": "unpublish", "_selected_action": [live.pk, scheduled.pk]},
        follow=True,
    )

    assert "2 articles moved back to draft." in response.content.decode()
    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT
    assert client.logout() is None
    assert client.get(live.get_absolute_url()).status_code == 404


def test_new_article_defaults_to_the_signed_in_author(client, editor, make_category, make_service):
    category = make_category()
    service = make_service()
    client.force_login(editor)
    add_url = reverse("admin:articles_article_add")

    form = client.get(add_url)
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["author"] == editor.pk

    response = client.post(
        add_url,
        {
            "title": "New article",
            "slug": "new-article",
            "category": category.pk,
            "summary": "A summary.",
            "body": "Some **text**.",
            "status": "draft",
            "published_at_0": "",
            "published_at_1": "",
            "author": "",
            "cover_image_alt": "",
            "related_services": [service.pk],
            "seo_title": "",
            "seo_description": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="new-article")
    assert article.author == editor
    assert article.body_html == "<p>Some <strong>text</strong>.</p>"
    assert list(article.related_services.all()) == [service]


ADD = reverse("admin:articles_article_add")


def article_form(**fields) -> dict:
    """What the add/change form posts, with a new article's usual answers."""
    return {
        "title": "New article",
        "slug": "new-article",
        "summary": "A summary.",
        "body": "Text.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "author": "",
        "cover_image_alt": "",
        "seo_title": "",
        "seo_description": "",
        **fields,
    }


def change_form_data(article) -> dict:
    """What the change form posts back when nothing is edited (times in clinic time)."""
    published_at = article.published_at and timezone.localtime(article.published_at)
    return article_form(
        title=article.title,
        slug=article.slug,
        category=article.category_id,
        summary=article.summary,
        body=article.body,
        status=article.status,
        published_at_0=f"{published_at:%Y-%m-%d}" if published_at else "",
        published_at_1=f"{published_at:%H:%M:%S}" if published_at else "",
        author=article.author_id or "",
    )


def test_a_new_article_has_no_publish_date_until_it_is_published(client, owner):
    client.force_login(owner)

    response = client.get(ADD)

    assert response.status_code == 200
    assert "published_at" not in response.context["adminform"].form.initial
    assert 'name="published_at_0" value=' not in response.content.decode()


def test_publishing_without_a_date_publishes_now(client, owner, make_category):
    client.force_login(owner)

    with time_machine.travel(NOW, tick=False):
        response = client.post(ADD, article_form(category=make_category().pk, status="published"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="new-article")
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == NOW
    assert list(Article.objects.published(NOW)) == [article]


def test_a_draft_is_dated_when_it_is_published_not_when_it_was_created(
    client, owner, make_category
):
    client.force_login(owner)
    created, published = NOW - timedelta(days=20), NOW
    with time_machine.travel(created, tick=False):
        # The browser posts back whatever date the new form offers.
        offered = client.get(ADD).context["adminform"].form.initial.get("published_at")
        offered = offered and timezone.localtime(offered)
        response = client.post(
            ADD,
            article_form(
                category=make_category().pk,
                published_at_0=f"{offered:%Y-%m-%d}" if offered else "",
                published_at_1=f"{offered:%H:%M:%S}" if offered else "",
            ),
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft = Article.objects.get(slug="new-article")
    assert draft.published_at is None
    change = reverse("admin:articles_article_change", args=[draft.pk])

    with time_machine.travel(published, tick=False):
        data = change_form_data(draft)
        response = client.post(change, {**data, "status": "published"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.published_at == published


def test_publishing_a_draft_with_an_old_date_left_as_it_was_publishes_now(
    client, owner, make_article
):
    # Drafts saved before the form stopped filling in "now" carry their creation time.
    draft = make_article(status=Article.Status.DRAFT, published_at=NOW - timedelta(days=20))
    change = reverse("admin:articles_article_change", args=[draft.pk])
    client.force_login(owner)

    with time_machine.travel(NOW, tick=False):
        data = change_form_data(draft)
        response = client.post(change, {**data, "status": "published"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.published_at == NOW


@pytest.mark.parametrize("days", [-30, 10])
def test_a_publish_date_chosen_while_publishing_is_kept(client, owner, make_article, days):
    draft = make_article(status=Article.Status.DRAFT)
    change = reverse("admin:articles_article_change", args=[draft.pk])
    chosen = (NOW + timedelta(days=days)).astimezone(timezone.get_default_timezone())
    client.force_login(owner)

    with time_machine.travel(NOW, tick=False):
        data = change_form_data(draft)
        response = client.post(
            change,
            {
                **data,
                "status": "published",
                "published_at_0": f"{chosen:%Y-%m-%d}",
                "published_at_1": f"{chosen:%H:%M:%S}",
            },
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.published_at == NOW + timedelta(days=days)


def test_a_published_article_keeps_its_date_when_edited(client, owner, make_article):
    live_since = NOW - timedelta(days=30)
    article = make_article(published_at=live_since)
    change = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(owner)

    with time_machine.travel(NOW, tick=False):
        data = change_form_data(article)
        response = client.post(change, {**data, "title": "A better title"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title == "A better title"
    assert article.published_at == live_since


def test_the_slug_help_text_shows_the_address_it_makes(client, owner):
    client.force_login(owner)

    page = client.get(ADD).content.decode()

    assert "/articles/your-article-slug/" in page
    assert "/articles//" not in page


def test_editor_group_permissions_are_idempotent():
    group = ensure_editor_group()
    extra = Permission.objects.get(codename="view_therapist")
    group.permissions.add(extra)

    again = ensure_editor_group()

    assert again == group
    assert Group.objects.filter(name="Editor").count() == 1
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "add_category",
        "change_category",
        "delete_category",
        "view_category",
        "view_service",
    } <= codenames
    assert "view_therapist" in codenames  # a permission added by hand is kept


def test_editor_can_use_the_article_admin(client, editor, make_article):
    make_article()
    client.force_login(editor)

    assert client.get(CHANGELIST).status_code == 200
    assert client.get(reverse("admin:articles_category_changelist")).status_code == 200
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    assert editor.has_perm("bookings.view_service")
    assert not editor.has_perm("bookings.change_service")
