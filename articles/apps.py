from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from clinic.cache import refresh_pages_when_saved

        from .models import Article, Category

        # Article pages, feeds, the sitemap and the home page list articles.
        refresh_pages_when_saved(Article, Category, through=[Article.related_services.through])
