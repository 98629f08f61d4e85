from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.models import Article
from bookings.models import Service, Therapist

from .seo import json_ld


def local_business_jsonld() -> str:
    clinic = settings.CLINIC
    data = {
        "@context": "https://schema.org",
        "@type": "HealthAndBeautyBusiness",
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
        "openingHours": [spec for _, _, spec in clinic["opening_hours"] if spec],
    }
    return json_ld(data)


@require_GET
def home(request):
    services = Service.objects.active()
    context = {
        "services": services,
        "therapists": Therapist.objects.active().prefetch_related("services"),
        "articles": Article.objects.published(timezone.now()).select_related("category")[:3],
        "jsonld": local_business_jsonld(),
        "canonical_url": settings.SITE_URL + reverse("home"),
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def robots_txt(request):
    # The admin is not listed (that would reveal a custom DJANGO_ADMIN_URL); its pages carry
    # noindex, as do the booking steps after /book/.
    lines = [
        "User-agent: *",
        "Disallow: /bookings/",
        "Disallow: /api/",
        "Disallow: /calendar/",
        "Disallow: /my/",
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


def bench_bare(request):  # make bench: the baseline, only routed when CLINIC_BENCH=1
    return HttpResponse(b"ok", content_type="text/plain")
