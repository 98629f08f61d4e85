"""Booking a session: choose a therapist and a time, then give your details.

Each step reads its query through `SlotForm`, books through `bookings.services` and
redirects (POST/redirect/GET) to the booking's page, which says it is booked."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic.http import never_cache
from clinic.ratelimit import rate_limited

from .. import clinic_setup, services
from ..forms import ANY, BookingForm, PlanForm, SlotForm, attendee, new_form_key
from ..models import Booking, BookingPolicy, Service
from ..picker import picker_context
from ..schedules import nearest_slots, slot_problem
from ..times import clinic_tz
from . import care_plan


@never_cache
@require_GET
def book_service(request, slug):
    """Step 2: choose a therapist (or anyone) and a day, then a free time."""
    setup = clinic_setup.current()
    service = setup.service(slug)
    if service is None:
        raise Http404(_("No bookable service is called that."))
    context = picker_context(
        request.GET, service, now=timezone.now(), policy=setup.policy, setup=setup
    )
    context["confirm_url"] = reverse("bookings:confirm", args=[service.slug])
    context["page_url"] = reverse("bookings:book_service", args=[service.slug])
    return render(
        request, "bookings/book_service.html", context, status=400 if context["errors"] else 200
    )


def chosen_slot(request, service: Service, *, now: datetime, policy: BookingPolicy) -> SlotForm:
    """The therapist and start asked for. A client who lost a race taps one of the nearest
    times (`choose`), which takes the place of the link's start; the form's hidden `start`
    keeps the time chosen on the page."""
    params = request.GET.copy()
    chosen = request.POST.get("choose") or request.POST.get("start")
    if chosen:
        params["start"] = chosen
    form = SlotForm(
        params,
        now=now,
        policy=policy,
        service=service,
        use=("therapist", "start"),
        require_start=True,
    )
    form.is_valid()
    return form


def picker_link(page_url: str, therapist_param: str, start: datetime) -> str:
    """Back to the time picker, on the chosen therapist and day."""
    day = start.astimezone(clinic_tz()).date().isoformat()
    return page_url + "?" + urlencode({"therapist": therapist_param, "date": day})


def locks_in(start: datetime, *, now: datetime, policy: BookingPolicy) -> bool:
    """Whether a session at `start` would be inside the cancellation window at once."""
    return start - now < policy.window


# What this browser booked, so Back to a confirm page it booked from says so (newest last).
SESSION_BOOKED = "booked_slots"
SESSION_BOOKED_KEEP = 10


def _slot_key(service: Service, therapist_param: str, start: datetime) -> str:
    return f"{service.slug}|{therapist_param}|{start.astimezone(clinic_tz()).isoformat()}"


def _remember(request, key: str, booking: Booking) -> None:
    booked = [pair for pair in request.session.get(SESSION_BOOKED, []) if pair[0] != key]
    request.session[SESSION_BOOKED] = [*booked, [key, booking.token]][-SESSION_BOOKED_KEEP:]


def _booked_here(request, key: str) -> Booking | None:
    """The active booking this browser made of this very slot, if any."""
    if not hasattr(request, "session"):
        return None
    token = dict(request.session.get(SESSION_BOOKED, [])).get(key)
    if token is None:
        return None
    return Booking.objects.active().filter(token=token).first()


@rate_limited("booking", keep_input=True)
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, slug):
    """Step 3: the chosen session and the client's details; POST books it."""
    service = get_object_or_404(Service.objects.active(), slug=slug)
    now = timezone.now()
    policy = BookingPolicy.load()
    slot = chosen_slot(request, service, now=now, policy=policy)
    if slot.errors:
        context = {"service": service, "message": slot.first_error()[1], "slots": []}
        return render(
            request, "bookings/slot_problem.html", {**context, "therapist_param": ANY}, status=400
        )
    therapist, start = slot.cleaned_data["therapist"], slot.cleaned_data["start"]
    therapist_param = therapist.slug if therapist else ANY
    tz = clinic_tz()
    context = {
        "service": service,
        "therapist": therapist,
        "therapist_param": therapist_param,
        "start": start.astimezone(tz),
        "end": (start + service.length).astimezone(tz),
        "policy": policy,
        "locks_in": locks_in(start, now=now, policy=policy),
        "slot_key": _slot_key(service, therapist_param, start),
        "back_url": picker_link(
            reverse("bookings:book_service", args=[service.slug]), therapist_param, start
        ),
    }
    if request.method == "POST" and "choose" not in request.POST:
        if "plan" in request.POST and not request.rate_limited:
            return care_plan.review_plan(request, context, now=now, policy=policy)
        if "book_plan" in request.POST and not request.rate_limited:
            return care_plan.book_plan(request, context, now=now, policy=policy)
        return _book(request, context, now=now, policy=policy)
    booked = _booked_here(request, context["slot_key"])
    if booked is not None:
        return render(request, "bookings/already_booked.html", {**context, "booking": booked})
    problem = slot_problem(
        service=service, therapist=therapist, start=start, now=now, policy=policy
    )
    if problem:
        context.update(
            message=problem.message,
            slots=nearest_slots(service, therapist, start, now=now, policy=policy),
        )
        return render(request, "bookings/slot_problem.html", context, status=problem.status)
    # A time tapped after a lost race: the details typed so far come back, nothing is booked.
    typed = request.POST if "choose" in request.POST else None
    context["form"] = BookingForm(
        initial={**(typed.dict() if typed else {}), "form_key": new_form_key()},
        cancellation_hours=policy.cancellation_window,
    )
    context["plan"] = PlanForm(initial=typed.dict() if typed else None)
    return render(request, "bookings/confirm.html", context)


def _book(request, context: dict, *, now: datetime, policy: BookingPolicy):
    """The confirm step's POST: book, or show the form again with what was typed."""
    form = BookingForm(request.POST, cancellation_hours=policy.cancellation_window)
    # Shown again, it offers what the GET did: the care plan too, as the client left it.
    context.update(form=form, plan=PlanForm(initial=request.POST.dict()))
    if request.rate_limited:
        # Too many attempts from this address: book nothing, keep what was typed.
        context["notice"] = _(
            "We received many booking attempts from your connection in a short time. "
            "Please wait about %(seconds)s seconds, then press Book again: what you typed is "
            "kept."
        ) % {"seconds": request.rate_limited}
        response = render(request, "bookings/confirm.html", context, status=429)
        response["Retry-After"] = str(request.rate_limited)
        return response
    if not form.is_valid():
        return render(request, "bookings/confirm.html", context, status=400)
    data = form.cleaned_data
    service, therapist, start = context["service"], context["therapist"], context["start"]
    try:
        booking = services.booking_create(
            service=service,
            therapist=therapist,
            start=start,
            **attendee(data),
            now=now,
            form_key=data["form_key"] or None,
        )
    except services.BookingError as error:
        booked = _booked_here(request, context["slot_key"])
        if booked is not None:  # sent again after it was booked: nothing more to do
            return HttpResponseRedirect(booked.manage_path())
        context.update(
            problem=error.message,
            slots=nearest_slots(service, therapist, start, now=now, policy=policy),
        )
        return render(request, "bookings/confirm.html", context, status=error.status)
    _remember(request, context["slot_key"], booking)
    # No message: the page's heading says it is booked, its intro where the confirmation is.
    return HttpResponseRedirect(booking.manage_path())
