from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.views.generic import DetailView, ListView

from bookings.models import Service
from clinic.seo import absolute_url, json_ld

from .models import Article, Category

MAX_SEARCH_WORDS = 8


def article_json_ld(article: Article) -> SafeString:
    url = absolute_url(article.get_absolute_url())
    publisher = {
        "@type": "Organization",
        "name": settings.CLINIC["name"],
        "url": settings.SITE_URL + "/",
    }
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.meta_description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "dateModified": timezone.localtime(article.updated_at).isoformat(timespec="seconds"),
        "articleSection": article.category.name,
        "author": (
            {"@type": "Person", "name": article.author_name} if article.author_name else publisher
        ),
        "publisher": publisher,
    }
    if article.is_published(timezone.now()):
        data["datePublished"] = timezone.localtime(article.published_at).isoformat(
            timespec="seconds"
        )
    if article.cover_image:
        data["image"] = absolute_url(article.cover_image.url)
    return json_ld(data)


class ArticleListView(ListView):
    """Published articles, newest first; `?category=<slug>` and `?q=` narrow the list."""

    paginate_by = 10
    context_object_name = "articles"
    template_name = "articles/article_list.html"

    def get_category(self) -> Category | None:
        slug = self.request.GET.get("category", "").strip()
        return get_object_or_404(Category, slug=slug) if slug else None

    @cached_property
    def category(self) -> Category | None:
        return self.get_category()

    @cached_property
    def query(self) -> str:
        return " ".join(self.request.GET.get("q", "").split())[:200]

    def get_queryset(self):
        articles = Article.objects.published(timezone.now()).select_related("category", "author")
        if self.category is not None:
            articles = articles.filter(category=self.category)
        for word in self.query.split()[:MAX_SEARCH_WORDS]:
            articles = articles.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return articles

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        canonical_path = self.category.get_absolute_url() if self.category else self.request.path
        page = context["page_obj"]
        if page is not None and page.number > 1:
            canonical_path += f"?page={page.number}"
        context.update(
            category=self.category,
            categories=Category.objects.all(),
            query=self.query,
            is_filtered=bool(self.query) or self.category is not None,
            canonical_url=absolute_url(canonical_path),
        )
        return context


class CategoryArticleListView(ArticleListView):
    """One topic's published articles at /articles/category/<slug>/."""

    def get_category(self) -> Category:
        return get_object_or_404(Category, slug=self.kwargs["slug"])


class ArticleDetailView(DetailView):
    """An article; staff also see drafts and scheduled articles here, marked as previews."""

    context_object_name = "article"

    @cached_property
    def now(self) -> datetime:
        return timezone.now()

    def get_queryset(self):
        return (
            Article.objects.visible_to(self.request.user, now=self.now)
            .select_related("category", "author")
            .prefetch_related(
                Prefetch(
                    "related_services", queryset=Service.objects.active(), to_attr="cta_services"
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context.update(
            is_preview=not article.is_published(self.now),
            is_scheduled=article.is_scheduled(self.now),
            canonical_url=absolute_url(article.get_absolute_url()),
            cover_url=absolute_url(article.cover_image.url) if article.cover_image else "",
            json_ld=article_json_ld(article),
            related_articles=(
                Article.objects.published(self.now)
                .filter(category=article.category_id)
                .exclude(pk=article.pk)
                .select_related("category")[:3]
            ),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            # A preview must never be cached by a proxy or indexed by a search engine.
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response
