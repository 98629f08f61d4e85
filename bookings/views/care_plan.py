"""Booking a care plan from the confirm step: review every date, then book them all at once.

"Check these dates" shows each date as free, or taken with the nearest free times that day
(or drop it); "Book all" books the chosen dates in one transaction under the lock, all or
none. What the client typed travels with the form and is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import dateformat
from django.utils.translation import gettext as _

from .. import booking_page, care_plans
from ..availability import Slot
from ..care_plans import plan_dates
from ..forms import BookingForm, PlanForm, SlotForm, attendee
from ..models import BookingPolicy, Service, Therapist
from ..schedules import find_slots, in_clinic_time, slot_problem
from ..times import clinic_tz

ALTERNATIVES = 4
SKIP = "skip"


@dataclass
class PlanDate:
    number: int
    start: datetime  # clinic time
    free: bool
    alternatives: list[Slot] = field(default_factory=list)
    chosen: str = ""


def _therapist_for(service, therapist, start, *, now, policy) -> Therapist | None:
    """The plan's therapist: the one chosen, or for "any" the one free at the first date."""
    if therapist is not None:
        return therapist
    day = start.astimezone(clinic_tz()).date()
    slot = next(
        (
            s
            for s in find_slots(service, None, day, day, now=now, policy=policy)
            if s.start == start
        ),
        None,
    )
    return Therapist.objects.filter(slug=slot.therapist).first() if slot else None


def _review(service: Service, therapist: Therapist, starts, *, now, policy, chosen=None):
    """Each date, free or with the nearest free times that day."""
    chosen = chosen or {}
    dates = []
    for number, start in enumerate(starts, 1):
        free = (
            slot_problem(service=service, therapist=therapist, start=start, now=now, policy=policy)
            is None
        )
        date = PlanDate(number, start.astimezone(clinic_tz()), free, chosen=chosen.get(number, ""))
        if not free:
            day = date.start.date()
            nearby = find_slots(service, therapist, day, day, now=now, policy=policy)
            date.alternatives = in_clinic_time(
                sorted(
                    sorted(nearby, key=lambda s: abs(s.start - start))[:ALTERNATIVES],
                    key=lambda s: s.start,
                )
            )
        dates.append(date)
    return dates


def review_plan(request, context: dict, *, now: datetime, policy: BookingPolicy):
    """POST "Check these dates": the review of every date, or the confirm step's errors."""
    form = BookingForm(request.POST, cancellation_hours=policy.cancellation_window)
    plan = PlanForm(request.POST)
    context.update(form=form, plan=plan)
    if not (form.is_valid() and plan.is_valid()):
        return render(request, "bookings/confirm.html", context, status=400)
    service, start = context["service"], context["start"]
    therapist = _therapist_for(service, context["therapist"], start, now=now, policy=policy)
    if therapist is None:
        context["problem"] = _("That time is no longer free. Please choose another time.")
        return render(request, "bookings/confirm.html", context, status=409)
    every, count = plan.cleaned_data["plan_every"], plan.cleaned_data["plan_count"]
    starts = plan_dates(start, every=every, count=count)
    context.update(
        plan_therapist=therapist,
        dates=_review(service, therapist, starts, now=now, policy=policy),
        every=every,
    )
    return render(request, "bookings/plan_review.html", context)


def _chosen_starts(request, count: int, *, now, policy) -> tuple[dict[int, str], list[datetime]]:
    """The client's choice for each date: a start (ISO 8601) or "skip"."""
    chosen, starts = {}, []
    for number in range(1, count + 1):
        value = request.POST.get(f"date_{number}", "")
        chosen[number] = value
        if value and value != SKIP:
            form = SlotForm({"start": value}, now=now, policy=policy, use=("start",))
            if form.is_valid() and form.cleaned_data["start"]:
                starts.append(form.cleaned_data["start"])
    return chosen, starts


def book_plan(request, context: dict, *, now: datetime, policy: BookingPolicy):
    """POST "Book all": the chosen dates in one transaction, or the review again."""
    form = BookingForm(request.POST, cancellation_hours=policy.cancellation_window)
    plan = PlanForm(request.POST)
    therapist = (
        Therapist.objects.active().filter(slug=request.POST.get("plan_therapist", "")).first()
    )
    context.update(form=form, plan=plan)
    if not (form.is_valid() and plan.is_valid()) or therapist is None:
        return render(request, "bookings/confirm.html", context, status=400)
    every, count = plan.cleaned_data["plan_every"], plan.cleaned_data["plan_count"]
    chosen, starts = _chosen_starts(request, count, now=now, policy=policy)
    service = context["service"]
    context.update(plan_therapist=therapist, every=every)
    original = plan_dates(context["start"], every=every, count=count)
    if len(starts) < 2:
        context["problem"] = _("A care plan needs at least two sessions: please keep two dates.")
        context["dates"] = _review(
            service, therapist, original, now=now, policy=policy, chosen=chosen
        )
        return render(request, "bookings/plan_review.html", context, status=400)
    data = form.cleaned_data
    try:
        series = care_plans.series_create(
            service=service,
            therapist=therapist,
            starts=starts,
            every_weeks=every,
            **attendee(data),
            now=now,
            form_key=data["form_key"] or None,
        )
    except care_plans.BookingError as error:
        context["problem"] = _plan_problem(error)
        context["dates"] = _review(
            service, therapist, original, now=now, policy=policy, chosen=chosen
        )
        return render(request, "bookings/plan_review.html", context, status=error.status)
    first = series.bookings.order_by("start").first()
    if not getattr(series, "repeated", False):
        # The first session's page says "Your care plan is booked" (booking_page.NEWS).
        messages.success(
            request,
            _("%(count)d sessions are booked. An email with every date is on its way to %(email)s.")
            % {"count": series.bookings.count(), "email": data["email"]},
            extra_tags=booking_page.PLAN_BOOKED,
        )
    return HttpResponseRedirect(first.manage_path())


def _plan_problem(error) -> str:
    start = getattr(error, "start", None)
    if start is None:
        return error.message
    return _(
        "The session on %(day)s has just been taken, so nothing is booked yet. "
        "Please choose another time for it (or drop it), then book again."
    ) % {"day": dateformat.format(start.astimezone(clinic_tz()), "l, F j")}
