"""Demo articles and the Editor group, for `seed`-style management commands and tests."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction

from bookings.models import Service
from clinic import demo_content

from .models import Article, Category

EDITOR_GROUP = "Editor"

EDITOR_PERMISSIONS = [
    ("articles", "article", ["add", "change", "delete", "view"]),
    ("articles", "category", ["add", "change", "delete", "view"]),
    # To pick the services an article invites readers to book.
    ("bookings", "service", ["view"]),
]


def ensure_editor_group() -> Group:
    """Create or complete the Editor group; safe to run any number of times.

    Permissions the owner added to the group by hand are kept.
    """
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    wanted = [
        (app_label, f"{action}_{model}", model)
        for app_label, model, actions in EDITOR_PERMISSIONS
        for action in actions
    ]
    permissions = []
    for app_label, codename, model in wanted:
        permissions.append(
            Permission.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
        )
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def seed_articles(
    *, authors: dict[str, AbstractBaseUser], services: dict[str, Service], now: datetime
) -> int:
    """Create the demo categories and articles from clinic/demo_content.py.

    Idempotent: rows are found by slug; a second run changes nothing (not even
    `updated_at`), and the publish date is computed from `now` only when an article is
    created. `authors` maps the demo author keys ("maren", ...) to users, `services` maps
    service slugs to Service rows. Returns the number of demo articles.
    """
    ensure_editor_group()
    categories = {}
    for data in demo_content.CATEGORIES:
        category, _ = Category.objects.get_or_create(
            slug=data["slug"], defaults={"name": data["name"], "description": data["description"]}
        )
        _update(category, {"name": data["name"], "description": data["description"]})
        categories[data["slug"]] = category

    for data in demo_content.ARTICLES:
        fields = {
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "seo_title": data["seo_title"],
            "seo_description": data["seo_description"],
            "category": categories[data["category"]],
            "author": authors[data["author"]],
            "status": Article.Status.PUBLISHED,
        }
        article = Article.objects.filter(slug=data["slug"]).first()
        if article is None:
            published_at = (now + timedelta(days=data["publish_offset_days"])).replace(
                microsecond=0
            )
            article = Article(slug=data["slug"], published_at=published_at, **fields)
            article.full_clean()
            article.save()
            # A demo article looks as if it was last edited when it went out, not today.
            Article.objects.filter(pk=article.pk).update(updated_at=min(published_at, now))
        else:
            _update(article, fields)
        article.related_services.set([services[slug] for slug in data["related_services"]])
    return len(demo_content.ARTICLES)


def _update(obj, fields: dict) -> None:
    """Save `obj` with `fields` only if something differs, so timestamps stay put."""
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.full_clean()
        obj.save()
