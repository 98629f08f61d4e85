from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("category/<slug:slug>/", views.CategoryArticleListView.as_view(), name="category"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
