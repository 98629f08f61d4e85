"""The visit page: where the clinic is, how to get in, what to bring, the first visit, and
the opening hours with any closures ahead."""

from datetime import timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bookings.models import ClinicPhoto, Closure

from . import demo_content

CLOSURES_AHEAD = timedelta(days=120)


def full_address() -> str:
    clinic = settings.CLINIC
    return f"{clinic['street']}, {clinic['city']}, {clinic['region']} {clinic['postal_code']}"


def map_links() -> list[tuple[str, str]]:
    """Links that open the clinic in a maps app: nothing is embedded or loaded from them."""
    clinic = settings.CLINIC
    lat, lon = clinic["latitude"], clinic["longitude"]
    place = f"{clinic['name']}, {full_address()}"
    return [
        (
            _("OpenStreetMap"),
            f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}",
        ),
        (
            _("Apple Maps"),
            "https://maps.apple.com/?" + urlencode({"q": clinic["name"], "ll": f"{lat},{lon}"}),
        ),
        (
            _("Google Maps"),
            "https://www.google.com/maps/search/?api=1&query=" + quote(place),
        ),
    ]


def closures_ahead(now):
    """Clinic-wide closures that have not ended, in the next few months, as (first, last day)."""
    closures = Closure.objects.filter(end__gt=now, start__lt=now + CLOSURES_AHEAD).order_by("start")
    tz = timezone.get_current_timezone()
    return [
        {
            "first": closure.start.astimezone(tz),
            # A closure to midnight ends the day before.
            "last": (closure.end - timedelta(microseconds=1)).astimezone(tz),
            "reason": closure.reason,
        }
        for closure in closures
    ]


@require_GET
def visit(request):
    context = {
        "visit": demo_content.VISIT,
        "address": full_address(),
        "map_links": map_links(),
        "closures": closures_ahead(timezone.now()),
        "photos": ClinicPhoto.objects.filter(active=True).select_related("room"),
        "canonical_url": settings.SITE_URL + reverse("visit"),
    }
    return render(request, "visit.html", context)
