from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from articles.models import Article
from bookings.jobs import worker_health
from bookings.models import ClinicPhoto, Review, Service, Therapist
from bookings.outbox import outbox_health

from .http import never_cache
from .seo import json_ld


def local_business_jsonld() -> str:
    clinic = settings.CLINIC
    data = {
        "@context": "https://schema.org",
        "@type": "HealthAndBeautyBusiness",
        "@id": settings.SITE_URL + "/#clinic",
        "additionalType": "https://schema.org/MassageTherapy",
        "name": clinic["name"],
        "url": settings.SITE_URL + "/",
        "telephone": clinic["phone_e164"],
        "email": clinic["email"],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": clinic["street"],
            "addressLocality": clinic["city"],
            "addressRegion": clinic["region"],
            "postalCode": clinic["postal_code"],
            "addressCountry": clinic["country"],
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": clinic["latitude"],
            "longitude": clinic["longitude"],
        },
        "hasMap": settings.SITE_URL + reverse("visit"),
        "openingHours": [spec for _, _, spec in clinic["opening_hours"] if spec],
    }
    return json_ld(data)


@require_GET
def home(request):
    services = Service.objects.active()
    reviews = Review.objects.published()
    context = {
        "services": services,
        "therapists": Therapist.objects.active()
        .with_ratings()
        .select_related("headshot")
        .prefetch_related("services"),
        "reviews": reviews.select_related("therapist")[:3],
        "review_summary": reviews.summary(),
        "photos": ClinicPhoto.objects.filter(active=True, on_home_page=True)[:3],
        "articles": Article.objects.published(timezone.now()).select_related("category")[:3],
        "jsonld": local_business_jsonld(),
        "canonical_url": settings.SITE_URL + reverse("home"),
    }
    return render(request, "home.html", context)


def _cache_health(alias: str) -> str:
    cache = caches[alias]
    ping = getattr(cache, "ping", None)  # Redis; a process's own memory is always there
    if ping is None:
        return "ok"
    return "ok" if ping() else "down"


def _database_health() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """For load balancers and people: what works, and 503 only when bookings cannot be taken.

    The database is the one thing a booking needs. A cache that is down (pages served uncached,
    rate limits per process), a late outbox or a silent worker make the server "degraded", but
    it still takes bookings, so it answers 200 and stays in the load balancer's pool.
    """
    report = {"database": _database_health()}
    if report["database"] == "down":
        return JsonResponse({"status": "down", **report}, status=503)
    now = timezone.now()
    try:
        report.update(outbox=outbox_health(now=now), worker=worker_health(now=now))
    except DatabaseError:  # gone since the first query
        return JsonResponse({"status": "down", "database": "down"}, status=503)
    report.update(cache=_cache_health("default"), ratelimit_cache=_cache_health("ratelimit"))
    degraded = [
        name
        for name, state in report.items()
        if (state["status"] if isinstance(state, dict) else state) != "ok"
    ]
    status = "degraded" if degraded else "ok"
    return JsonResponse({"status": status, "degraded": degraded, **report})


@require_GET
def robots_txt(request):
    # The admin is not listed (that would reveal a custom DJANGO_ADMIN_URL); its pages carry
    # noindex; the booking steps name their service page as canonical.
    lines = [
        "User-agent: *",
        "Disallow: /bookings/",
        "Disallow: /api/",
        "Disallow: /calendar/",
        "Disallow: /my/",
        "Disallow: /reviews/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _error(request, status, title, message):
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(
        request, 400, "Something in that link looks wrong", "Please go back and try again."
    )


def permission_denied(request, exception=None):
    if request.path.startswith("/" + settings.ADMIN_URL):
        # Staff in the back office: point them back there, not to the booking pages.
        return render(
            request,
            "error.html",
            {
                "title": "This page is not part of your role",
                "message": "Your login cannot open it. If you need it, ask the clinic's owner.",
                "staff_area": True,
            },
            status=403,
        )
    return _error(
        request, 403, "You can't open this page", "If you think you should, please call us."
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        "We couldn't find that page",
        "The link may be old or mistyped. If you were looking for a booking, "
        "check the link in your confirmation email.",
    )


def server_error(request):
    return _error(
        request, 500, "Sorry, something went wrong on our side", "Please try again, or call us."
    )


def bench_hello(request):  # make bench: the baseline, with no middleware (clinic/bench.py)
    return HttpResponse(b"ok", content_type="text/plain")


def bench_bare(request):  # make bench: the same behind settings.MIDDLEWARE (CLINIC_BENCH=1)
    return HttpResponse(b"ok", content_type="text/plain")
