"""Each therapist's private calendar subscription (iCalendar), for Google, Apple and Outlook.

The address holds the therapist's secret `calendar_token`: calendar apps cannot log in, so
the token is the key. It lists the therapist's sessions from 30 days ago to 90 days ahead;
cancelled bookings drop out of the feed, which is how subscribed calendars remove them.
"""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar

from clinic.http import never_cache

from .models import Booking, Therapist
from .notifications import booking_event
from .times import clinic_tz

PAST = timedelta(days=30)
AHEAD = timedelta(days=90)


def therapist_calendar(therapist: Therapist, *, now) -> bytes:
    """The therapist's sessions in the feed's window as an RFC 5545 calendar."""
    bookings = (
        Booking.objects.active()
        .for_therapist(therapist)
        .filter(start__gte=now - PAST, start__lt=now + AHEAD)
        .select_related("client", "service", "therapist")
        .order_by("start")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Rimrock Massage & Bodywork//Therapist calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{settings.CLINIC['name']}: {therapist.first_name}")
    calendar.add("x-wr-timezone", str(clinic_tz()))
    # How often subscribed apps should look again (Apple and Outlook read these).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for booking in bookings:
        calendar.add_component(booking_event(booking, now=now, for_therapist=True))
    calendar.add_missing_timezones()
    return calendar.to_ical()


@never_cache
@require_GET
def therapist_feed(request, token):
    """GET /calendar/<token>.ics: the therapist's subscription; an unknown token answers 404."""
    if len(token) > 64:
        raise Http404
    therapist = get_object_or_404(Therapist, calendar_token=token)
    response = HttpResponse(
        therapist_calendar(therapist, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{therapist.slug}.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
