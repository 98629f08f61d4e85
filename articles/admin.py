from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Article, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, obj):
        return obj.article_total


class ArticleAdminForm(forms.ModelForm):
    """ArticleAdmin's form; the admin builds its fields from the fieldsets."""

    def clean(self):
        """A published article gets its publish date when it is published, not when drafted.

        Publishing without a date, or a draft with a past date nobody touched (drafts used
        to be pre-filled with their creation time), means now, like the "Publish now" action.
        A date chosen in this edit, or a future one, is kept. This runs before the model's
        clean(), so the rule that a published article has a date still holds.
        """
        data = super().clean()
        if data.get("status") != Article.Status.PUBLISHED or "published_at" in self.errors:
            return data
        now = timezone.now()
        when = data.get("published_at")
        untouched_draft_date = (
            self.instance.status == Article.Status.DRAFT
            and "published_at" not in self.changed_data
            and when is not None
            and when <= now
        )
        if when is None or untouched_draft_date:
            data["published_at"] = now
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state", "category", "published_at", "updated_at", "preview_link"]
    list_filter = ["status", "category", ("author", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["category", "author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_services"]
    readonly_fields = ["preview_link", "created_at", "updated_at"]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "body"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "author", "preview_link"]}),
        (_("Cover image"), {"fields": ["cover_image", "cover_image_alt"]}),
        (_("Booking"), {"fields": ["related_services"]}),
        (
            _("Search engines"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        # No publish date yet: a draft is dated when it is published (ArticleAdminForm).
        return initial

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        return obj.state_label(timezone.now())

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if obj.pk is None:
            return _("Save the article to preview it.")
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Preview"))

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        now = timezone.now()
        # Already live articles keep their original publish date.
        articles = queryset.exclude(pk__in=Article.objects.published(now).values("pk"))
        count = 0
        for article in articles:
            article.status = Article.Status.PUBLISHED
            article.published_at = now
            article.save(update_fields=["status", "published_at", "updated_at"])
            self.log_change(request, article, [{"changed": {"fields": ["status", "publish date"]}}])
            count += 1
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.DRAFT):
            article.status = Article.Status.DRAFT
            article.save(update_fields=["status", "updated_at"])
            self.log_change(request, article, [{"changed": {"fields": ["status"]}}])
            count += 1
        self.message_user(
            request,
            ngettext("%d article moved back to draft.", "%d articles moved back to draft.", count)
            % count,
            messages.SUCCESS,
        )
