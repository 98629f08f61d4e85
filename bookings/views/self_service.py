"""The client's own booking, by its private link: see it, add it to a calendar, cancel or
move it within the clinic's policy. GET only shows; every change is a POST."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic.http import never_cache
from clinic.ratelimit import rate_limited

from .. import booking_page, care_plans, notifications, outbox, services
from ..forms import ANY, CancelForm
from ..models import Booking, BookingPolicy, Therapist
from ..picker import picker_context
from ..refusals import change_refusal
from ..schedules import nearest_slots, slot_problem
from ..times import clinic_tz
from .booking import chosen_slot, locks_in, picker_link


def _booking(token: str) -> Booking:
    if len(token) > 64:
        raise Http404
    return get_object_or_404(
        Booking.objects.select_related("service", "therapist", "client"), token=token
    )


def _on_its_way(change: str, booking: Booking) -> str:
    """Where the change's email is going: written, not yet sent (the outbox). The page's
    heading says what was done (cancelled, moved): the message does not say it again."""
    if not booking.email:  # booked by phone without an email: nothing is sent
        return _("No email is sent: this booking has no email address.")
    if change == "cancelled":
        note = _("Our confirmation of the cancellation is on its way to %(email)s.")
    else:
        note = _("The new time is on its way to %(email)s.")
    return note % {"email": booking.email}


def _news(request) -> dict:
    """What the redirect here has just done (booking_page.NEWS), for the page's heading and
    intro line to say, and the other messages, for the banner: each is said once."""
    stored = messages.get_messages(request)
    if not stored:  # nothing left for this page: the storage is not even made
        return {}
    news, others = {}, []
    for message in stored:
        kind = next((tag for tag in message.tags.split() if tag in booking_page.NEWS), None)
        if kind:
            news = {"news": kind, "news_text": str(message)}
        else:
            others.append(message)
    return {**news, "messages": others}


# `_manage_context`'s email status when the caller has not read it.
UNREAD = object()


def _manage_context(
    booking: Booking, now: datetime, policy: BookingPolicy, *, email_status=UNREAD
) -> dict:
    refused = services.can_client_change(booking, now=now, policy=policy)
    return {
        "booking": booking,
        "start": booking.start.astimezone(clinic_tz()),
        "end": booking.end.astimezone(clinic_tz()),
        "policy": policy,
        "can_change": refused is None,
        "in_plan": booking.series_id is not None,
        "refused_message": change_refusal(refused, policy) if refused else "",
        "refused_code": refused,
        "address": notifications.clinic_address(),
        "email_status": (
            outbox.client_email_status(booking) if email_status is UNREAD else email_status
        ),
    }


def _manage_page(request, token: str, *, now: datetime, status: int = 200) -> HttpResponse:
    """The booking's page with all it shows (its health form and pain boxes included), as
    `manage` shows it and as a refused change shows it again."""
    page = booking_page.read(token, now=now)
    if page is None:
        raise Http404
    context = _manage_context(page.booking, now, page.policy, email_status=page.email_status)
    context.update(page.care)
    context.update(_news(request))
    response = render(request, "bookings/manage.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@rate_limited("lookup", methods=("GET", "POST"))
@never_cache
@require_GET
def manage(request, token):
    """The booking's private page: details, what to expect, cancel and reschedule links."""
    return _manage_page(request, token, now=timezone.now())


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
@never_cache
@require_GET
def google_calendar(request, token):
    """On to Google Calendar's "new event" form, filled in with the session. The booking's
    page links here rather than to Google: the link is worked out only when followed."""
    return HttpResponseRedirect(notifications.google_calendar_url(_booking(token)))


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
            messages.success(request, _on_its_way("cancelled", booking))
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
        return _manage_page(request, token, now=now, status=409)
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
        return _manage_page(request, token, now=now, status=409)
    service = booking.service
    slot = chosen_slot(request, service, now=now, policy=policy)
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
        locks_in=locks_in(start, now=now, policy=policy),
        back_url=picker_link(
            reverse("bookings:reschedule", args=[booking.token]), therapist_param, start
        ),
    )
    if request.method == "POST" and "choose" not in request.POST:
        try:
            services.booking_reschedule(booking=booking, start=start, therapist=therapist, now=now)
        except services.BookingError as error:
            problem = error
            context["reschedule_token"] = booking.token
        else:
            messages.success(request, _on_its_way("moved", booking), extra_tags=booking_page.MOVED)
            return HttpResponseRedirect(booking.manage_path())
    else:
        problem = slot_problem(
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


@rate_limited("lookup", methods=("GET", "POST"))
@rate_limited("booking")
@never_cache
@require_http_methods(["GET", "POST"])
def cancel_plan(request, token):
    """Cancel a care plan from this session on, behind a confirmation page (GET only asks).

    Sessions the policy no longer lets the client change online stay booked, and are named.
    """
    booking = _booking(token)
    if booking.series_id is None:
        raise Http404
    now = timezone.now()
    context = _manage_context(booking, now, BookingPolicy.load())
    later = list(
        Booking.objects.filter(series=booking.series_id, start__gte=booking.start)
        .filter(status=Booking.Status.CONFIRMED)
        .order_by("start")
    )
    if request.method == "POST" and context["can_change"]:
        cancelled, kept = care_plans.series_cancel_from(booking=booking, now=now)
        messages.success(
            request,
            _("%(count)d sessions of your care plan are cancelled. An email is on its way to you.")
            % {"count": len(cancelled)},
        )
        if kept:
            messages.warning(request, _("Sessions less than the policy's hours away stay booked."))
        return HttpResponseRedirect(booking.manage_path())
    context["later"] = later
    status = 200 if context["can_change"] else 409
    return render(request, "bookings/cancel_plan.html", context, status=status)
