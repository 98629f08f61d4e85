"""The public site's booking pages: services, therapists, the booking flow, the client's own
booking page and the availability API. Each view reads its input through a form, calls
`bookings.services` for any change and redirects (POST/redirect/GET) with a message."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import DetailView, ListView

from clinic.ratelimit import rate_limited

from . import notifications, services
from .forms import ANY, AvailabilityForm, BookingForm, CancelForm, SlotForm
from .models import Booking, BookingPolicy, Service, Therapist
from .picker import picker_context
from .refusals import change_refusal
from .schedules import find_slots, in_clinic_time, nearest_slots
from .times import clinic_tz


class ServiceListView(ListView):
    template_name = "bookings/service_list.html"
    context_object_name = "services"

    def get_queryset(self):
        return Service.objects.active()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = grouped(context["services"])
        return context


class ServiceDetailView(DetailView):
    template_name = "bookings/service_detail.html"
    context_object_name = "service"

    def get_queryset(self):
        return Service.objects.active()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.object
        context["other_lengths"] = (
            Service.objects.active().filter(kind=service.kind).exclude(pk=service.pk)
        )
        context["therapists"] = Therapist.objects.offering(service)
        return context


class TherapistListView(ListView):
    template_name = "bookings/therapist_list.html"
    context_object_name = "therapists"

    def get_queryset(self):
        return Therapist.objects.active().prefetch_related("services")


class TherapistDetailView(DetailView):
    template_name = "bookings/therapist_detail.html"
    context_object_name = "therapist"

    def get_queryset(self):
        return Therapist.objects.active().prefetch_related("services")


def grouped(services_list) -> list[tuple[str, list[Service]]]:
    """Services grouped by treatment, in the order the clinic set."""
    ordered = sorted(
        services_list, key=lambda s: (s.kind != Service.Kind.SCIATICA, s.kind, s.order, s.duration)
    )
    return [
        (Service.Kind(kind).label, list(items))
        for kind, items in groupby(ordered, key=lambda s: s.kind)
    ]


# --- Booking flow -----------------------------------------------------------------------------


@require_GET
def book(request):
    """Step 1: choose a service, grouped by treatment."""
    return render(request, "bookings/book.html", {"groups": grouped(Service.objects.active())})


@never_cache
@require_GET
def book_service(request, slug):
    """Step 2: choose a therapist (or anyone) and a day, then a free time."""
    service = get_object_or_404(Service.objects.active(), slug=slug)
    context = picker_context(request.GET, service, now=timezone.now(), policy=BookingPolicy.load())
    context["confirm_url"] = reverse("bookings:confirm", args=[service.slug])
    context["page_url"] = reverse("bookings:book_service", args=[service.slug])
    return render(
        request, "bookings/book_service.html", context, status=400 if context["errors"] else 200
    )


def _chosen_slot(request, service: Service, *, now: datetime, policy: BookingPolicy) -> SlotForm:
    """The therapist and start asked for; a client who lost a race picks one of the nearest
    times with a button in the form, which takes the place of the link's start."""
    params = request.GET.copy()
    if request.POST.get("start"):
        params["start"] = request.POST["start"]
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


def _picker_link(page_url: str, therapist_param: str, start: datetime) -> str:
    """Back to the time picker, on the chosen therapist and day."""
    day = start.astimezone(clinic_tz()).date().isoformat()
    return page_url + "?" + urlencode({"therapist": therapist_param, "date": day})


@rate_limited("booking", keep_input=True)
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, slug):
    """Step 3: the chosen session and the client's details; POST books it."""
    service = get_object_or_404(Service.objects.active(), slug=slug)
    now = timezone.now()
    policy = BookingPolicy.load()
    slot = _chosen_slot(request, service, now=now, policy=policy)
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
        "back_url": _picker_link(
            reverse("bookings:book_service", args=[service.slug]), therapist_param, start
        ),
    }
    if request.method == "POST":
        return _book(request, context, now=now, policy=policy)
    problem = services.slot_problem(
        service=service, therapist=therapist, start=start, now=now, policy=policy
    )
    if problem:
        context.update(
            message=problem.message,
            slots=nearest_slots(service, therapist, start, now=now, policy=policy),
        )
        return render(request, "bookings/slot_problem.html", context, status=problem.status)
    context["form"] = BookingForm(cancellation_hours=policy.cancellation_window)
    return render(request, "bookings/confirm.html", context)


def _book(request, context: dict, *, now: datetime, policy: BookingPolicy):
    """The confirm step's POST: book, or show the form again with what was typed."""
    form = BookingForm(request.POST, cancellation_hours=policy.cancellation_window)
    context["form"] = form
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
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            notes=data["notes"],
            now=now,
        )
    except services.BookingError as error:
        context.update(
            problem=error.message,
            slots=nearest_slots(service, therapist, start, now=now, policy=policy),
        )
        return render(request, "bookings/confirm.html", context, status=error.status)
    messages.success(request, _("Your session is booked. We have emailed your confirmation."))
    return HttpResponseRedirect(booking.manage_path())


# --- The client's own booking page --------------------------------------------------------------


def _booking(token: str) -> Booking:
    if len(token) > 64:
        raise Http404
    return get_object_or_404(
        Booking.objects.select_related("service", "therapist", "client"), token=token
    )


def _manage_context(booking: Booking, now: datetime, policy: BookingPolicy) -> dict:
    refused = services.can_client_change(booking, now=now, policy=policy)
    return {
        "booking": booking,
        "start": booking.start.astimezone(clinic_tz()),
        "end": booking.end.astimezone(clinic_tz()),
        "policy": policy,
        "can_change": refused is None,
        "refused_message": change_refusal(refused, policy) if refused else "",
        "refused_code": refused,
        "google_url": notifications.google_calendar_url(booking),
        "address": notifications.clinic_address(),
    }


@rate_limited("lookup", methods=("GET", "POST"))
@never_cache
@require_GET
def manage(request, token):
    """The booking's private page: details, what to expect, cancel and reschedule links."""
    booking = _booking(token)
    context = _manage_context(booking, timezone.now(), BookingPolicy.load())
    response = render(request, "bookings/manage.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@rate_limited("lookup", methods=("GET", "POST"))
@never_cache
@require_GET
def booking_ics(request, token):
    """The booking as a calendar file, for clients who did not keep the email's attachment."""
    booking = _booking(token)
    response = HttpResponse(
        notifications.calendar_file(booking), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.reference}.ics"'
    return response


@rate_limited("lookup", methods=("GET", "POST"))
@rate_limited("booking")
@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """Cancel behind a confirmation page: GET only asks, POST cancels."""
    booking = _booking(token)
    now = timezone.now()
    policy = BookingPolicy.load()
    context = _manage_context(booking, now, policy)
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.booking_cancel(
                    booking=booking, now=now, reason=form.cleaned_data["reason"]
                )
            except services.BookingError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(booking.manage_path())
            messages.success(
                request, _("Your booking is cancelled. We have emailed you to confirm.")
            )
            return HttpResponseRedirect(booking.manage_path())
        status = 400
    else:
        form = CancelForm()
        status = 200
    context["form"] = form
    return render(
        request, "bookings/cancel.html", context, status=status if context["can_change"] else 409
    )


def _reschedule_params(booking: Booking, params, *, now: datetime, policy: BookingPolicy):
    """The picker's parameters, opening on the booked therapist and day when not chosen, so
    nearby times are one tap away: "any" if that therapist no longer offers the service, and
    the first free day if the booked day is out of reach."""
    if "therapist" in params and "date" in params:
        return params
    params = params.copy()
    still_offers = Therapist.objects.offering(booking.service).filter(pk=booking.therapist_id)
    params.setdefault("therapist", booking.therapist.slug if still_offers.exists() else ANY)
    tz = clinic_tz()
    booked_day = booking.start.astimezone(tz).date()
    if now.astimezone(tz).date() <= booked_day <= (now + policy.horizon).astimezone(tz).date():
        params.setdefault("date", booked_day.isoformat())
    return params


@rate_limited("lookup", methods=("GET", "POST"))
@never_cache
@require_GET
def reschedule(request, token):
    """Choose a new time for the same service: the week picker, linking to the confirmation."""
    booking = _booking(token)
    now = timezone.now()
    policy = BookingPolicy.load()
    context = _manage_context(booking, now, policy)
    if not context["can_change"]:
        return render(request, "bookings/manage.html", context, status=409)
    params = _reschedule_params(booking, request.GET, now=now, policy=policy)
    context.update(
        picker_context(params, booking.service, now=now, policy=policy, exclude_booking=booking)
    )
    context["confirm_url"] = reverse("bookings:reschedule_confirm", args=[booking.token])
    context["page_url"] = reverse("bookings:reschedule", args=[booking.token])
    context["rescheduling"] = True
    return render(
        request, "bookings/book_service.html", context, status=400 if context["errors"] else 200
    )


@rate_limited("lookup", methods=("GET", "POST"))
@rate_limited("booking")
@never_cache
@require_http_methods(["GET", "POST"])
def reschedule_confirm(request, token):
    """The new time, confirmed by POST; the old time is held until the new one is saved."""
    booking = _booking(token)
    now = timezone.now()
    policy = BookingPolicy.load()
    context = _manage_context(booking, now, policy)
    if not context["can_change"]:
        return render(request, "bookings/manage.html", context, status=409)
    service = booking.service
    slot = _chosen_slot(request, service, now=now, policy=policy)
    if slot.errors:
        context.update(
            message=slot.first_error()[1], slots=[], service=service, therapist_param=ANY
        )
        return render(request, "bookings/slot_problem.html", context, status=400)
    therapist, start = slot.cleaned_data["therapist"], slot.cleaned_data["start"]
    therapist_param = therapist.slug if therapist else ANY
    context.update(
        new_start=start.astimezone(clinic_tz()),
        new_end=(start + service.length).astimezone(clinic_tz()),
        therapist=therapist,
        therapist_param=therapist_param,
        back_url=_picker_link(
            reverse("bookings:reschedule", args=[booking.token]), therapist_param, start
        ),
    )
    if request.method == "POST":
        try:
            services.booking_reschedule(booking=booking, start=start, therapist=therapist, now=now)
        except services.BookingError as error:
            problem = error
            context["reschedule_token"] = booking.token
        else:
            messages.success(
                request, _("Your booking has moved. We have emailed you the new time.")
            )
            return HttpResponseRedirect(booking.manage_path())
    else:
        problem = services.slot_problem(
            service=service,
            therapist=therapist,
            start=start,
            now=now,
            policy=policy,
            exclude=booking,
        )
    if problem:
        context.update(
            problem=problem.message,
            slots=nearest_slots(
                service, therapist, start, now=now, policy=policy, exclude_booking=booking
            ),
        )
        return render(request, "bookings/reschedule_confirm.html", context, status=problem.status)
    return render(request, "bookings/reschedule_confirm.html", context)


# --- JSON API ------------------------------------------------------------------------------------


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
