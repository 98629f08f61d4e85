"""Sections of /sitemap.xml (wired in clinic/urls.py): pages, services, therapists, articles."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from bookings.models import Service, Therapist

from .models import Article, Category


class SiteUrlSitemap(Sitemap):
    """Absolute URLs from settings.SITE_URL, never from the request's Host header."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path.rstrip("/")


class StaticPagesSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "visit",
            "bookings:services",
            "bookings:therapists",
            "articles:list",
            "bookings:book",
        ]

    def location(self, item):
        return reverse(item)


class ServiceSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return Service.objects.active()


class TherapistSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return Therapist.objects.active()


class CategorySitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        published = Article.objects.published(timezone.now()).filter(category=OuterRef("pk"))
        return Category.objects.filter(Exists(published))


class ArticleSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published(timezone.now())

    def lastmod(self, item):
        return item.updated_at


sitemaps = {
    "pages": StaticPagesSitemap,
    "services": ServiceSitemap,
    "therapists": TherapistSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
}
