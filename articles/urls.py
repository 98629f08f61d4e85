from django.urls import path

from clinic.cache import cached_page

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path(
        "",
        cached_page(views.ArticleListView.as_view(), params=("page", "category", "q")),
        name="list",
    ),
    path("feed/", cached_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", cached_page(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path(
        "category/<slug:slug>/",
        cached_page(views.CategoryArticleListView.as_view(), params=("page", "q")),
        name="category",
    ),
    path("<slug:slug>/", cached_page(views.ArticleDetailView.as_view()), name="detail"),
]
