import os

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import sitemaps

from . import views, visit
from .cache import cached_page
from .ratelimit import rate_limited

urlpatterns = [
    path("", cached_page(views.home), name="home"),
    path("visit/", cached_page(visit.visit), name="visit"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", cached_page(views.robots_txt), name="robots_txt"),
    path(
        "sitemap.xml", cached_page(sitemap, params=("p",)), {"sitemaps": sitemaps}, name="sitemap"
    ),
    path("articles/", include("articles.urls")),
    path("", include("bookings.urls")),
    path("", include("care.urls")),
    path(settings.ADMIN_URL + "login/", rate_limited("login")(admin.site.login)),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG:
    # Uploaded article images; in production the web server or proxy serves MEDIA_ROOT.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "clinic.views.bad_request"
handler403 = "clinic.views.permission_denied"
handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"

if os.environ.get("CLINIC_BENCH") == "1":  # make bench only: views that do no work
    # /bench/hello reaches its view with no middleware (clinic/wsgi.py, clinic/bench.py);
    # /bench/bare behind every middleware of settings.MIDDLEWARE; /bench/stock behind
    # Django's default list instead.
    urlpatterns += [
        path("bench/hello", views.bench_hello),
        path("bench/bare", views.bench_bare),
        path("bench/stock", views.bench_bare),
    ]
