from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from clinic.cache import bump_content_version

        from .models import Article, Category

        # Article pages, feeds, the sitemap and the home page list articles.
        for model in (Article, Category):
            post_save.connect(
                bump_content_version, sender=model, dispatch_uid=f"pages-{model.__name__}"
            )
            post_delete.connect(
                bump_content_version, sender=model, dispatch_uid=f"pages-del-{model.__name__}"
            )
        m2m_changed.connect(
            bump_content_version,
            sender=Article.related_services.through,
            dispatch_uid="pages-related",
        )
