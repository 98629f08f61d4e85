"""Free times as JSON, for the time picker's enhancements and for integrations."""

from __future__ import annotations

import json
from datetime import timedelta

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.http import never_cache

from .. import clinic_setup
from ..forms import ANY, AvailabilityForm
from ..schedules import find_starts
from ..times import clinic_tz, iso_times


@never_cache
@require_GET
def api_availability(request):
    """Free slots as JSON: ?service=<slug>&therapist=<slug|any>&start=YYYY-MM-DD&days=N.

    A parameter that makes no sense answers 400 with {"error": ..., "parameter": ...}.
    """
    setup = clinic_setup.current()
    policy, now = setup.policy, timezone.now()
    query = AvailabilityForm(request.GET, now=now, policy=policy, setup=setup)
    if not query.is_valid():
        parameter, message = query.first_error()
        return JsonResponse({"error": message, "parameter": parameter}, status=400)
    service, therapist = query.cleaned_data["service"], query.cleaned_data["therapist"]
    first, days = query.cleaned_data["start"], query.cleaned_data["days"]
    last = first + timedelta(days=days - 1)
    starts = find_starts(service, therapist, first, last, now=now, policy=policy, setup=setup)
    head = {
        "service": service.slug,
        "therapist": therapist.slug if therapist else ANY,
        "time_zone": str(clinic_tz()),
        "start": first.isoformat(),
        "days": days,
    }
    slots = slots_json(starts, length=int(service.length.total_seconds()), tz=clinic_tz())
    # As JsonResponse({**head, "slots": [...]}) writes it, the slots written as they are.
    body = json.dumps(head)[:-1] + ', "slots": ' + slots + "}"
    return HttpResponse(body, content_type="application/json")


def slots_json(starts, *, length: int, tz) -> str:
    """The engine's starts as the API's slots ({"start", "end", "therapist"}, as json.dumps
    writes a list of such dicts), written straight from the seconds: a month for "any
    therapist" has hundreds of slots, and building and encoding their dicts took longer than
    finding them. The times are ISO 8601 strings, which JSON writes as they are."""
    begins = iso_times((start for start, _, _ in starts), tz)
    ends = iso_times((start + length for start, _, _ in starts), tz)
    names: dict[str, str] = {}
    for _, slug, _ in starts:
        if slug not in names:
            names[slug] = json.dumps(slug)
    written = ", ".join(
        f'{{"start": "{begin}", "end": "{end}", "therapist": {names[slug]}}}'
        for begin, end, (_, slug, _) in zip(begins, ends, starts, strict=True)
    )
    return f"[{written}]"
