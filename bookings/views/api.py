"""Free times as JSON, for the time picker's enhancements and for integrations."""

from __future__ import annotations

from datetime import timedelta

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..forms import ANY, AvailabilityForm
from ..models import BookingPolicy
from ..schedules import find_slots, in_clinic_time
from ..times import clinic_tz


@never_cache
@require_GET
def api_availability(request):
    """Free slots as JSON: ?service=<slug>&therapist=<slug|any>&start=YYYY-MM-DD&days=N.

    A parameter that makes no sense answers 400 with {"error": ..., "parameter": ...}.
    """
    policy = BookingPolicy.load()
    now = timezone.now()
    query = AvailabilityForm(request.GET, now=now, policy=policy)
    if not query.is_valid():
        parameter, message = query.first_error()
        return JsonResponse({"error": message, "parameter": parameter}, status=400)
    service, therapist = query.cleaned_data["service"], query.cleaned_data["therapist"]
    first, days = query.cleaned_data["start"], query.cleaned_data["days"]
    last = first + timedelta(days=days - 1)
    slots = find_slots(service, therapist, first, last, now=now, policy=policy)
    return JsonResponse(
        {
            "service": service.slug,
            "therapist": therapist.slug if therapist else ANY,
            "time_zone": str(clinic_tz()),
            "start": first.isoformat(),
            "days": days,
            "slots": [
                {
                    "start": slot.start.isoformat(),
                    "end": slot.end.isoformat(),
                    "therapist": slot.therapist,
                }
                for slot in in_clinic_time(slots)
            ],
        }
    )
