"""Privacy on request, from My bookings: download everything held about the people under the
signed-in address (JSON, or a printable page), and ask for their erasure (the owner decides
in the back office). Only a client signed in with the emailed link reaches these pages."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic.http import never_cache
from clinic.ratelimit import rate_limited

from ..models import Booking, ErasureRequest
from ..privacy import erasure_request_create, people_under, privacy_export, sections
from .my import signed_in


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@rate_limited("lookup", methods=("GET",))
@never_cache
@require_GET
@signed_in
def my_data_json(request, email):
    """Everything held about the people under the address, as a JSON file."""
    now = timezone.now()
    data = privacy_export(email=email, now=now)
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localdate(now).isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{day}.json"'
    return _private(response)


@rate_limited("lookup", methods=("GET",))
@never_cache
@require_GET
@signed_in
def my_data(request, email):
    """The same as a readable page, laid out for printing (or saving as PDF)."""
    data = privacy_export(email=email, now=timezone.now())
    people = [
        {
            "record": person,
            "sections": [(section, person.get(section.key)) for section in sections()],
        }
        for person in data["people"]
    ]
    context = {"data": data, "people": people}
    return _private(render(request, "bookings/my_data.html", context))


@rate_limited("booking")
@never_cache
@require_http_methods(["GET", "POST"])
@signed_in
def my_erasure(request, email):
    """GET explains what erasure means and asks; POST sends the request to the owner."""
    if request.method == "POST":
        erasure_request_create(email=email, now=timezone.now())
        messages.success(
            request,
            _(
                "We have your request. The clinic's owner reviews it, and then the personal "
                "data of the people under this address is erased."
            ),
        )
        return HttpResponseRedirect(reverse("bookings:my"))
    waiting = ErasureRequest.objects.filter(email=email, status=ErasureRequest.Status.PENDING)
    context = {
        "email": email,
        "people": list(people_under(email)),
        "erasure": waiting.first(),
        "upcoming": Booking.objects.filter(
            client__in=people_under(email),
            start__gte=timezone.now(),
            status=Booking.Status.CONFIRMED,
        ).exists(),
    }
    return _private(render(request, "bookings/my_erasure.html", context))
