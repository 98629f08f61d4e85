from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    """RSS of the newest published articles; links are absolute, built from SITE_URL."""

    def title(self):
        return f"{settings.CLINIC['name']}: articles"

    def description(self):
        return "Plain-language guides to sciatica, neck and shoulder pain and self-care."

    def link(self):
        return settings.SITE_URL + reverse("articles:list")

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:feed")

    def items(self):
        return Article.objects.published(timezone.now()).select_related("author", "category")[
            :FEED_LENGTH
        ]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers show RSS <description> and Atom <summary type="html"> as HTML; the summary
        # is plain text, so "<" or "&" in it must reach them as characters, not markup.
        return escape(item.summary)

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author_name or None

    def item_categories(self, item):
        return [item.category.name]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:feed_atom")
