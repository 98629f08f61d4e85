import math
import re
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .markdown import render_markdown

WORDS_PER_MINUTE = 200  # an unhurried reader
# Paths under /articles/ that an article's slug must not take (see articles/urls.py).
RESERVED_SLUGS = {"feed", "category"}


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in links."))
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two sentences shown on the topic page.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None):
        """What the public may read: published, with a publish date that has come."""
        if now is None:
            now = timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now)

    def visible_to(self, user, *, now: datetime | None = None):
        """Staff preview drafts and scheduled articles; everyone else sees the published set."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published(now)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The article's address: /articles/your-article-slug/. Avoid changing it once published."
        ),
    )
    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("Two or three sentences shown in article lists and in the feed."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Written in Markdown: ## for a heading, - for a list item, **bold**, "
            "[link text](/book/...), ![image description](/media/...)."
        ),
    )
    body_html = models.TextField(_("body (HTML)"), blank=True, editable=False)
    cover_image = models.ImageField(
        _("cover image"),
        upload_to="articles/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
        help_text=_("Optional. A wide photo (about 1200 × 630 pixels) also used when shared."),
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_image_alt = models.CharField(
        _("cover image description"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it. Required with a photo."),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("author"),
        help_text=_("Shown as the author's full name."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Drafts are only visible to staff."),
    )
    published_at = models.DateTimeField(
        _("publish date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Clinic time. Leave it empty to publish at the moment you save with the status "
            "Published; a future date keeps the article hidden until then."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    seo_title = models.CharField(
        _("SEO title"),
        max_length=70,
        blank=True,
        help_text=_("Title shown by search engines. Leave blank to use the title."),
    )
    seo_description = models.CharField(
        _("SEO description"),
        max_length=170,
        blank=True,
        help_text=_("About 150 characters for search results. Leave blank to use the summary."),
    )
    related_services = models.ManyToManyField(
        "bookings.Service",
        blank=True,
        related_name="articles",
        verbose_name=_("related services"),
        help_text=_("Readers are invited to book these at the end of the article."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The stored HTML always matches the Markdown it came from.
        self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = ValidationError(
                _("This address is used by the site. Please choose another slug."),
                code="reserved_slug",
            )
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            errors["published_at"] = ValidationError(
                _("Choose a publish date (it can be now, or a future date to schedule)."),
                code="publish_date_required",
            )
        if self.cover_image and not self.cover_image_alt.strip():
            errors["cover_image_alt"] = ValidationError(
                _("Describe the photo for readers who cannot see it."), code="alt_required"
            )
        if errors:
            raise ValidationError(errors)

    def is_published(self, now: datetime) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
        )

    def is_scheduled(self, now: datetime) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > now
        )

    def state_label(self, now: datetime) -> str:
        if self.is_scheduled(now):
            return str(_("Scheduled"))
        return str(self.get_status_display())

    @property
    def meta_title(self) -> str:
        return self.seo_title or self.title

    @property
    def meta_description(self) -> str:
        return self.seo_description or self.summary

    @property
    def author_name(self) -> str:
        if self.author is None:
            return ""
        return self.author.get_full_name() or self.author.get_username()

    @property
    def updated_after_publishing(self) -> bool:
        """Whether the page should say "Updated": edited on a later (clinic) day."""
        if self.published_at is None or self.updated_at is None:
            return False
        return timezone.localdate(self.updated_at) > timezone.localdate(self.published_at)

    @property
    def reading_minutes(self) -> int:
        words = len(re.findall(r"\w+", self.body))
        return max(1, math.ceil(words / WORDS_PER_MINUTE))
