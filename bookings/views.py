from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import DetailView, ListView

from clinic.ratelimit import rate_limited

from . import availability, notifications, services
from .forms import BookingForm, CancelForm
from .models import Booking, BookingPolicy, Closure, Service, Therapist
from .schedules import clinic_tz, load_schedules, rules_from, therapists_with_hours

ANY = "any"
WEEK = 7


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


class BadRequest(Exception):
    """A request parameter that makes no sense; shown to the visitor with a 400."""

    def __init__(self, message: str, parameter: str):
        super().__init__(message)
        self.message = message
        self.parameter = parameter


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Dates further than this from today are refused before any arithmetic can overflow.
YEARS_EITHER_SIDE = 5


def _near_today(moment: date, parameter: str) -> None:
    if abs(moment.year - timezone.now().year) > YEARS_EITHER_SIDE:
        raise BadRequest(f"'{parameter}' is too far from today.", parameter)


def parse_date(value: str | None, parameter: str = "date") -> date | None:
    if not value:
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            f"'{parameter}' must be a date written as YYYY-MM-DD.", parameter
        ) from None
    _near_today(parsed, parameter)
    return parsed


def parse_start(value: str | None) -> datetime:
    if not value:
        raise BadRequest("Please choose a time first.", "start")
    # A "+" in an unencoded query string arrives as a space.
    value = value.strip().replace(" ", "+")
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            "'start' must be a date and time in ISO 8601, e.g. 2026-12-01T10:00-07:00.", "start"
        ) from None
    _near_today(start, "start")
    if start.tzinfo is None:
        start = start.replace(tzinfo=clinic_tz())
    return start


def therapist_choice(service: Service, slug: str | None) -> Therapist | None:
    """The therapist chosen by slug (None for "any"); BadRequest if unknown or not offering."""
    if not slug or slug == ANY:
        return None
    therapist = Therapist.objects.active().filter(slug=slug).first()
    if therapist is None:
        raise BadRequest("We don't know that therapist. Please choose from the list.", "therapist")
    if not therapist.services.filter(pk=service.pk).exists():
        raise BadRequest(
            f"{therapist.name} does not offer {service.name}. Please choose another therapist.",
            "therapist",
        )
    return therapist


@dataclass
class Day:
    date: date
    slots: list[availability.Slot]
    bookable: bool  # inside today..horizon
    open: bool  # someone who offers the service works that weekday, and the clinic is open


def find_slots(
    service: Service,
    therapist: Therapist | None,
    first: date,
    last: date,
    *,
    now: datetime,
    policy: BookingPolicy,
    exclude_booking: Booking | None = None,
    offering: list[Therapist] | None = None,
) -> list[availability.Slot]:
    """Free slots for a service with one therapist or anyone qualified, in constant queries.

    `offering`: the service's therapists with their hours, when the caller already has them.
    """
    if offering is None:
        offering = list(therapists_with_hours(Therapist.objects.offering(service)))
    therapists = [t for t in offering if therapist is None or t.pk == therapist.pk]
    if not therapists:
        return []
    tz = clinic_tz()
    loaded = load_schedules(therapists, first, last, exclude_booking=exclude_booking, tz=tz)
    return availability.free_slots(
        loaded.schedules,
        duration=service.length,
        buffer=service.buffer,
        first=first,
        last=last,
        now=now,
        rules=rules_from(policy),
        tz=tz,
        load=loaded.load,
    )


def nearest_slots(
    service, therapist, around: datetime, *, now, policy, exclude_booking=None, count=6
):
    tz = clinic_tz()
    day = max(around.astimezone(tz).date(), now.astimezone(tz).date())
    slots = find_slots(
        service,
        therapist,
        day - timedelta(days=1),
        day + timedelta(days=7),
        now=now,
        policy=policy,
        exclude_booking=exclude_booking,
    )
    closest = sorted(slots, key=lambda slot: abs(slot.start - around))[:count]
    return in_clinic_time(sorted(closest, key=lambda slot: slot.start))


def in_clinic_time(slots: list[availability.Slot]) -> list[availability.Slot]:
    """The same slots with clinic-time datetimes, for display and links (e.g. ...T10:00-07:00)."""
    tz = clinic_tz()
    return [
        replace(slot, start=slot.start.astimezone(tz), end=slot.end.astimezone(tz))
        for slot in slots
    ]


def picker_context(request, service, *, now, policy, exclude_booking=None):
    """The therapist, week and time choices for a service; used by booking and rescheduling."""
    errors = []
    tz = clinic_tz()
    today = now.astimezone(tz).date()
    last_day = (now + policy.horizon).astimezone(tz).date()
    try:
        therapist = therapist_choice(service, request.GET.get("therapist"))
    except BadRequest as error:
        errors.append(error.message)
        therapist = None
    try:
        chosen = parse_date(request.GET.get("date"))
    except BadRequest as error:
        errors.append(error.message)
        chosen = None
    if chosen is not None and not today <= chosen <= last_day:
        errors.append(
            f"Please choose a day between today and {last_day:%B} {last_day.day}, {last_day.year}: "
            f"we take online bookings up to {policy.horizon_days} days ahead."
        )
        chosen = None

    offering = list(therapists_with_hours(Therapist.objects.offering(service)))
    if chosen is None:
        # No day chosen: open on the first day with a free time in the next two weeks.
        upcoming = find_slots(
            service,
            therapist,
            today,
            min(today + timedelta(days=13), last_day),
            now=now,
            policy=policy,
            exclude_booking=exclude_booking,
            offering=offering,
        )
        chosen = upcoming[0].start.astimezone(tz).date() if upcoming else today
    week_start = chosen - timedelta(days=chosen.weekday())
    week_end = week_start + timedelta(days=WEEK - 1)
    slots = find_slots(
        service,
        therapist,
        max(week_start, today),
        min(week_end, last_day),
        now=now,
        policy=policy,
        exclude_booking=exclude_booking,
        offering=offering,
    )
    by_day: dict[date, list] = {}
    for slot in in_clinic_time(slots):
        by_day.setdefault(slot.start.date(), []).append(slot)
    closed_days = {
        day
        for start, end in Closure.objects.filter(
            start__lt=datetime.combine(week_end + timedelta(days=1), time.min, tzinfo=tz),
            end__gt=datetime.combine(week_start, time.min, tzinfo=tz),
        ).values_list("start", "end")
        for day in (week_start + timedelta(days=offset) for offset in range(WEEK))
        if start <= datetime.combine(day, time.min, tzinfo=tz)
        and datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz) <= end
    }
    working_days = {
        hours.weekday
        for person in offering
        if therapist is None or person.pk == therapist.pk
        for hours in person.hours.all()
    }
    days = [
        Day(
            date=day,
            slots=by_day.get(day, []),
            bookable=today <= day <= last_day,
            open=day.weekday() in working_days and day not in closed_days,
        )
        for day in (week_start + timedelta(days=offset) for offset in range(WEEK))
    ]
    previous_week = week_start - timedelta(days=WEEK)
    next_week = week_start + timedelta(days=WEEK)
    therapist_param = therapist.slug if therapist else ANY
    return {
        "service": service,
        "errors": errors,
        "therapist": therapist,
        "therapist_param": therapist_param,
        "therapists": offering,
        "days": days,
        "chosen": chosen,
        "today": today,
        "chosen_slots": by_day.get(chosen, []),
        "week_start": week_start,
        "week_end": week_end,
        "previous_week": previous_week if week_start > today else None,
        "next_week": next_week if next_week <= last_day else None,
        "time_zone": tz,
        "policy": policy,
    }


def slot_query(therapist_param: str, start: datetime) -> str:
    return urlencode({"therapist": therapist_param, "start": start.isoformat()})


@require_GET
def book(request):
    """Step 1: choose a service, grouped by treatment."""
    return render(request, "bookings/book.html", {"groups": grouped(Service.objects.active())})


@never_cache
@require_GET
def book_service(request, slug):
    """Step 2: choose a therapist (or anyone) and a day, then a free time."""
    service = get_object_or_404(Service.objects.active(), slug=slug)
    now = timezone.now()
    context = picker_context(request, service, now=now, policy=BookingPolicy.load())
    context["confirm_url"] = reverse("bookings:confirm", args=[service.slug])
    context["page_url"] = reverse("bookings:book_service", args=[service.slug])
    return render(
        request, "bookings/book_service.html", context, status=400 if context["errors"] else 200
    )


@rate_limited("booking", keep_input=True)
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, slug):
    """Step 3: the chosen session and the client's details; POST books it."""
    service = get_object_or_404(Service.objects.active(), slug=slug)
    now = timezone.now()
    policy = BookingPolicy.load()
    try:
        therapist = therapist_choice(service, request.GET.get("therapist"))
        # A client who lost a race picks one of the nearest times with a button in the form.
        start = parse_start(request.POST.get("start") or request.GET.get("start"))
    except BadRequest as error:
        return render(
            request,
            "bookings/slot_problem.html",
            {"service": service, "message": error.message, "slots": [], "therapist_param": ANY},
            status=400,
        )
    therapist_param = therapist.slug if therapist else ANY
    context = {
        "service": service,
        "therapist": therapist,
        "therapist_param": therapist_param,
        "start": start.astimezone(clinic_tz()),
        "end": (start + service.length).astimezone(clinic_tz()),
        "policy": policy,
        "back_url": reverse("bookings:book_service", args=[service.slug])
        + "?"
        + urlencode(
            {"therapist": therapist_param, "date": start.astimezone(clinic_tz()).date().isoformat()}
        ),
    }

    if request.method == "POST" and request.rate_limited:
        # Too many attempts from this address: book nothing, keep what was typed.
        form = BookingForm(request.POST, cancellation_hours=policy.cancellation_window)
        context.update(
            form=form,
            notice=(
                "We received many booking attempts from your connection in a short time. "
                f"Please wait about {request.rate_limited} seconds, then press Book again: "
                "what you typed is kept."
            ),
        )
        response = render(request, "bookings/confirm.html", context, status=429)
        response["Retry-After"] = str(request.rate_limited)
        return response
    if request.method == "POST":
        form = BookingForm(request.POST, cancellation_hours=policy.cancellation_window)
        if form.is_valid():
            data = form.cleaned_data
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
                    form=form,
                    problem=error.message,
                    slots=nearest_slots(service, therapist, start, now=now, policy=policy),
                )
                return render(request, "bookings/confirm.html", context, status=error.status)
            messages.success(request, "Your session is booked. We have emailed your confirmation.")
            return HttpResponseRedirect(booking.manage_path())
        return render(request, "bookings/confirm.html", {**context, "form": form}, status=400)

    problem = services.slot_problem(
        service=service, therapist=therapist, start=start, now=now, policy=policy
    )
    if problem:
        return render(
            request,
            "bookings/slot_problem.html",
            {
                "service": service,
                "message": problem.message,
                "therapist_param": therapist_param,
                "slots": nearest_slots(service, therapist, start, now=now, policy=policy),
            },
            status=problem.status,
        )
    context["form"] = BookingForm(cancellation_hours=policy.cancellation_window)
    return render(request, "bookings/confirm.html", context)


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
        "refused_message": services.change_refused_message(refused, policy) if refused else "",
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
            messages.success(request, "Your booking is cancelled. We have emailed you to confirm.")
            return HttpResponseRedirect(booking.manage_path())
        status = 400
    else:
        form = CancelForm()
        status = 200
    context["form"] = form
    return render(
        request, "bookings/cancel.html", context, status=status if context["can_change"] else 409
    )


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
    if "therapist" not in request.GET or "date" not in request.GET:
        # Open on the booked therapist and day, so nearby times are one tap away: "any" if
        # that therapist no longer offers it, and the first free day if the day is out of reach.
        request.GET = request.GET.copy()
        still_offers = Therapist.objects.offering(booking.service).filter(pk=booking.therapist_id)
        request.GET.setdefault(
            "therapist", booking.therapist.slug if still_offers.exists() else ANY
        )
        tz = clinic_tz()
        booked_day = booking.start.astimezone(tz).date()
        if now.astimezone(tz).date() <= booked_day <= (now + policy.horizon).astimezone(tz).date():
            request.GET.setdefault("date", booked_day.isoformat())
    context.update(
        picker_context(request, booking.service, now=now, policy=policy, exclude_booking=booking)
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
    try:
        therapist = therapist_choice(service, request.GET.get("therapist"))
        start = parse_start(request.POST.get("start") or request.GET.get("start"))
    except BadRequest as error:
        context.update(message=error.message, slots=[], service=service, therapist_param=ANY)
        return render(request, "bookings/slot_problem.html", context, status=400)
    therapist_param = therapist.slug if therapist else ANY
    context.update(
        new_start=start.astimezone(clinic_tz()),
        new_end=(start + service.length).astimezone(clinic_tz()),
        therapist=therapist,
        therapist_param=therapist_param,
        back_url=reverse("bookings:reschedule", args=[booking.token])
        + "?"
        + urlencode(
            {"therapist": therapist_param, "date": start.astimezone(clinic_tz()).date().isoformat()}
        ),
    )
    if request.method == "POST":
        try:
            services.booking_reschedule(booking=booking, start=start, therapist=therapist, now=now)
        except services.BookingError as error:
            context.update(
                problem=error.message,
                slots=nearest_slots(
                    service, therapist, start, now=now, policy=policy, exclude_booking=booking
                ),
                reschedule_token=booking.token,
            )
            return render(request, "bookings/reschedule_confirm.html", context, status=error.status)
        messages.success(request, "Your booking has moved. We have emailed you the new time.")
        return HttpResponseRedirect(booking.manage_path())

    problem = services.slot_problem(
        service=service, therapist=therapist, start=start, now=now, policy=policy, exclude=booking
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


def _api_error(message: str, parameter: str) -> JsonResponse:
    return JsonResponse({"error": message, "parameter": parameter}, status=400)


@never_cache
@require_GET
def api_availability(request):
    """Free slots as JSON: ?service=<slug>&therapist=<slug|any>&start=YYYY-MM-DD&days=N."""
    policy = BookingPolicy.load()
    now = timezone.now()
    tz = clinic_tz()
    slug = request.GET.get("service", "")
    if not slug:
        return _api_error("'service' is required: the slug of a service.", "service")
    service = Service.objects.active().filter(slug=slug[:80]).first()
    if service is None:
        return _api_error(f"No bookable service is called '{slug[:80]}'.", "service")
    try:
        therapist = therapist_choice(service, request.GET.get("therapist", ANY))
        first = parse_date(request.GET.get("start"), "start") or now.astimezone(tz).date()
    except BadRequest as error:
        return _api_error(error.message, error.parameter)
    raw_days = request.GET.get("days", "7")
    if not re.fullmatch(r"[0-9]{1,3}", raw_days) or not 1 <= int(raw_days) <= policy.horizon_days:
        return _api_error(f"'days' must be a whole number from 1 to {policy.horizon_days}.", "days")
    today = now.astimezone(tz).date()
    if first < today:
        return _api_error("'start' must be today or later.", "start")
    last = first + timedelta(days=int(raw_days) - 1)
    slots = find_slots(service, therapist, first, last, now=now, policy=policy)
    return JsonResponse(
        {
            "service": service.slug,
            "therapist": therapist.slug if therapist else ANY,
            "time_zone": str(tz),
            "start": first.isoformat(),
            "days": int(raw_days),
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
