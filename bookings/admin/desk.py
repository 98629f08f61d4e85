"""The front desk's own pages: book for a caller, and move a booking to another time.

Both go through `bookings.services` with the staff rules (`rules_from(policy, staff=True)`:
no online notice, a year ahead), so the no-double-booking guarantee holds for staff as for
clients; a refusal is a form error in staff words, with the nearest free times.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import availability, care_plans, services
from ..care_plans import plan_dates
from ..forms import attendee
from ..models import Booking, BookingPolicy, Service, Therapist
from ..refusals import SLOT_REFUSALS, slot_refusal
from ..schedules import load_schedules, nearest_slots, rules_from, therapists_with_hours
from ..times import admin_time, clinic_tz, zone_name
from .base import admin_context
from .forms import CallerBookingForm, MoveBookingForm


def staff_message(
    error: services.BookingError, therapist: Therapist | None, policy: BookingPolicy, *, hint
) -> str:
    """A refusal from the services in staff words (slot codes), or as the service put it."""
    if error.code in SLOT_REFUSALS:
        return slot_refusal(error.code, therapist=therapist, policy=policy, staff=True, hint=hint)
    if error.code == "same_time":
        return _("That is already the booking's time and therapist. Choose another time.")
    return error.message


def picked(request):
    """The form's data with a nearest free time filled in (the `pick` button pressed), or None.

    The button's value is "<therapist slug>|YYYY-MM-DD|HH:MM"; everything typed stays.
    """
    slug, _sep, when = request.POST.get("pick", "").partition("|")
    day, _sep, at = when.partition("|")
    therapist = Therapist.objects.filter(slug=slug[:80]).first()
    if therapist is None or not day or not at:
        return None
    data = request.POST.copy()
    data.update({"therapist": str(therapist.pk), "date": day, "time": at})
    return data


def named_slots(slots) -> list[tuple]:
    """Free slots with their therapist's name, for the staff forms' "nearest free times"."""
    if not slots:
        return []
    names = dict(Therapist.objects.values_list("slug", "name"))
    return [(slot, names.get(slot.therapist, slot.therapist)) for slot in slots]


def _nearest(
    error: services.BookingError,
    service: Service,
    therapist: Therapist | None,
    start: datetime,
    *,
    now: datetime,
    policy: BookingPolicy,
    exclude_booking: Booking | None = None,
) -> list:
    """The nearest free times under the staff rules, when the time asked for was taken."""
    if not isinstance(error, services.SlotUnavailable):
        return []
    return nearest_slots(
        service,
        therapist,
        start,
        now=now,
        policy=policy,
        staff=True,
        exclude_booking=exclude_booking,
    )


def outside_rules(booking: Booking, *, now: datetime, policy: BookingPolicy) -> str | None:
    """Why staff could not have booked this without the override, as a code; None if they could."""
    tz = clinic_tz()
    day = booking.start.astimezone(tz).date()
    therapists = list(therapists_with_hours(Therapist.objects.filter(pk=booking.therapist_id)))
    loaded = load_schedules(therapists, day, day, exclude_booking=booking, tz=tz)
    return availability.why_unavailable(
        loaded.schedules[0],
        booking.start,
        duration=booking.service.length,
        buffer=booking.service.buffer,
        now=now,
        rules=rules_from(policy, staff=True),
        tz=tz,
    )


# --- Book for a caller -----------------------------------------------------------------------


def book_for_caller(request, model_admin):
    """The front desk books for a caller through the same service and guarantee as clients.

    "Override working hours" books outside hours, time off and closures, with a warning; it
    never books over another booking (SlotUnavailable becomes a form error).
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    today = timezone.now().astimezone(clinic_tz()).date()
    nearest = []
    filled = picked(request) if request.method == "POST" else None
    if filled is not None:
        form = CallerBookingForm(filled, today=today)
    elif request.method == "POST":
        form = CallerBookingForm(request.POST, today=today)
        if form.is_valid():
            booked, nearest = _book_caller(request, model_admin, form)
            if booked is not None:
                return HttpResponseRedirect(
                    reverse("admin:bookings_booking_change", args=[booked.pk])
                )
    else:
        form = CallerBookingForm(initial=CallerBookingForm.initial_from(request.GET), today=today)
    context = admin_context(
        request,
        model_admin,
        title=_("Book for a caller"),
        form=form,
        zone=zone_name(),
        nearest=named_slots(nearest),
        add=True,
    )
    return TemplateResponse(
        request,
        "admin/bookings/book_for_caller.html",
        context,
        status=400 if form.is_bound and filled is None else 200,
    )


def _book_plan(request, model_admin, form) -> tuple[Booking | None, list]:
    """Book a care plan for a caller, all or none; its first booking, or None with a form
    error naming the date that is taken and the nearest free times that day."""
    data = form.cleaned_data
    now = timezone.now()
    policy = BookingPolicy.load()
    starts = plan_dates(data["start"], every=data["repeat_every"], count=data["repeat_count"])
    try:
        series = care_plans.series_create(
            service=data["service"],
            therapist=data["therapist"],
            starts=starts,
            every_weeks=data["repeat_every"],
            **attendee(data),
            now=now,
            source=Booking.Source.STAFF,
            by=request.user,
        )
    except services.BookingError as error:
        start = getattr(error, "start", data["start"])
        taken = _("Nothing is booked: the session on %(when)s cannot be booked.") % {
            "when": admin_time(start)
        }
        form.add_error(
            None, f"{taken} {staff_message(error, data['therapist'], policy, hint=False)}"
        )
        nearest = _nearest(error, data["service"], data["therapist"], start, now=now, policy=policy)
        return None, nearest
    sessions = list(series.bookings.order_by("start"))
    for booking in sessions:
        model_admin.log_addition(request, booking, [{"added": {}}])
    messages.success(
        request,
        _("Booked a care plan of %(count)d sessions with %(therapist)s, from %(when)s.")
        % {
            "count": len(sessions),
            "therapist": data["therapist"].name,
            "when": admin_time(sessions[0].start),
        },
    )
    return sessions[0], []


def _book_caller(request, model_admin, form) -> tuple[Booking | None, list]:
    """Book from a valid caller form: the booking, or None with a form error and nearest times."""
    data = form.cleaned_data
    if data.get("repeat_every"):
        return _book_plan(request, model_admin, form)
    now = timezone.now()
    policy = BookingPolicy.load()
    try:
        booking = services.booking_create(
            service=data["service"],
            therapist=data["therapist"],
            start=data["start"],
            **attendee(data),
            now=now,
            source=Booking.Source.STAFF,
            override_hours=data["override_hours"],
            by=request.user,
        )
    except services.BookingError as error:
        form.add_error(None, staff_message(error, data["therapist"], policy, hint=True))
        nearest = _nearest(
            error, data["service"], data["therapist"], data["start"], now=now, policy=policy
        )
        return None, nearest
    model_admin.log_addition(request, booking, [{"added": {}}])
    told = (
        _("A confirmation is on its way to the client.")
        if booking.emailable
        else _("No email was given, so no confirmation is sent: tell the caller the time now.")
    )
    messages.success(
        request,
        _("Booked %(ref)s: %(service)s with %(therapist)s, %(when)s. %(told)s")
        % {
            "ref": booking.reference,
            "service": booking.service,
            "therapist": booking.therapist.name,
            "when": admin_time(booking.start),
            "told": told,
        },
    )
    code = outside_rules(booking, now=now, policy=policy) if data["override_hours"] else None
    if code is not None and code != "booked":
        why = slot_refusal(code, therapist=booking.therapist, policy=policy, staff=True)
        messages.warning(request, _("Booked outside the usual rules: %(why)s") % {"why": why})
    return booking, []


# --- Move a booking --------------------------------------------------------------------------


def booking_move(request, object_id, model_admin):
    """The front desk moves a confirmed booking to another time or therapist (GET: the form).

    Through `services.booking_reschedule` with staff rules, never over another booking; the
    client's and therapists' emails are written to the outbox with it. A therapist may not
    move bookings (403); a booking outside the user's rows answers 404.
    """
    booking = model_admin.get_object(request, object_id)
    if not model_admin.has_move_permission(request, booking):
        raise PermissionDenied
    change_url = reverse("admin:bookings_booking_change", args=[booking.pk])
    if booking.status != Booking.Status.CONFIRMED:
        messages.warning(
            request,
            _("Only confirmed bookings can be moved; %(ref)s is %(status)s. Nothing was changed.")
            % {"ref": booking.reference, "status": booking.get_status_display().lower()},
        )
        return HttpResponseRedirect(change_url)
    today = timezone.now().astimezone(clinic_tz()).date()
    nearest = []
    filled = picked(request) if request.method == "POST" else None
    if filled is not None:
        form = MoveBookingForm(filled, booking=booking, today=today)
    elif request.method == "POST":
        form = MoveBookingForm(request.POST, booking=booking, today=today)
        if form.is_valid():
            moved, nearest = _move(request, model_admin, form, booking)
            if moved:
                return HttpResponseRedirect(change_url)
    else:
        form = MoveBookingForm(booking=booking, today=today)
    context = admin_context(
        request,
        model_admin,
        title=_("Move booking %(ref)s") % {"ref": booking.reference},
        booking=booking,
        current=admin_time(booking.start),
        change_url=change_url,
        form=form,
        zone=zone_name(),
        nearest=named_slots(nearest),
        original=booking,
    )
    return TemplateResponse(
        request,
        "admin/bookings/move_booking.html",
        context,
        status=400 if form.is_bound and filled is None else 200,
    )


def _move(request, model_admin, form, booking: Booking) -> tuple[bool, list]:
    """Move from a valid form: True, or False with a form error and the nearest free times."""
    data = form.cleaned_data
    now = timezone.now()
    policy = BookingPolicy.load()
    previous_therapist = booking.therapist
    try:
        moved = services.booking_reschedule(
            booking=booking,
            start=data["start"],
            therapist=data["therapist"],
            now=now,
            by=request.user,
        )
    except services.BookingError as error:
        form.add_error(None, staff_message(error, data["therapist"], policy, hint=False))
        nearest = _nearest(
            error,
            booking.service,
            data["therapist"],
            data["start"],
            now=now,
            policy=policy,
            exclude_booking=booking,
        )
        return False, nearest
    when = admin_time(moved.start)
    model_admin.log_change(request, moved, _("Moved to %(when)s") % {"when": when})
    emailed = (
        _("emails are on their way to the client and therapist")
        if moved.therapist_id == previous_therapist.pk
        else _("emails are on their way to the client and both therapists")
    )
    messages.success(
        request,
        _("Moved %(ref)s to %(when)s with %(therapist)s; %(emailed)s.")
        % {
            "ref": moved.reference,
            "when": when,
            "therapist": moved.therapist.name,
            "emailed": emailed,
        },
    )
    return True, []
