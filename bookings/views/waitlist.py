"""The waitlist's public pages: join, see/change/leave an entry, and claim an offer.

Every link is a long random token; GET only shows, every change is a POST, so mail scanners
that follow links change nothing. Claiming books through `bookings.waitlist.waitlist_claim`,
which books through the booking services under their lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.http import never_cache
from clinic.ratelimit import rate_limited

from .. import waitlist
from ..forms import ANY, SlotForm
from ..models import BookingPolicy, Service, WaitlistEntry, WaitlistOffer
from ..refusals import BookingError
from ..schedules import nearest_slots, slot_problem
from ..times import clinic_tz
from ..waitlist_forms import WaitlistForm

ALL_PARTS = ["morning", "afternoon", "evening"]


def _form(data, *, now, policy, joining=True, initial=None) -> WaitlistForm:
    return WaitlistForm(
        data,
        initial=initial,
        today=now.astimezone(clinic_tz()).date(),
        horizon_days=policy.horizon_days,
        joining=joining,
    )


def _initial(request, *, now, policy) -> dict:
    """The form's first values from the page the client came from (service, therapist,
    day), read through the slot form; anything it cannot read is simply left out."""
    today = now.astimezone(clinic_tz()).date()
    service = Service.objects.active().filter(slug=str(request.GET.get("service", ""))[:80])
    initial = {"from_date": today, "parts": ALL_PARTS, "therapist": ANY}
    service = service.first()
    if service is None:
        return initial
    slot = SlotForm(request.GET, now=now, policy=policy, service=service)
    slot.is_valid()
    data = slot.cleaned_data
    day = data.get("date")
    therapist = data.get("therapist")
    initial.update(
        service=service.slug,
        therapist=therapist.slug if therapist else ANY,
        weekdays=[day.weekday()] if day else [],
        from_date=day or today,
    )
    return initial


def _wishes(data) -> waitlist.Wishes:
    return waitlist.Wishes(
        service=data["service"],
        therapist=data["therapist"],
        weekdays=data["weekdays"],
        parts=data["parts"],
        from_date=data["from_date"],
        until_date=data["until_date"],
    )


@rate_limited("booking", keep_input=True)
@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_join(request):
    """Join the waitlist: the service, who, the days and times that suit, and who you are."""
    now, policy = timezone.now(), BookingPolicy.load()
    if request.method == "GET":
        form = _form(
            None, now=now, policy=policy, initial=_initial(request, now=now, policy=policy)
        )
        return render(request, "bookings/waitlist_join.html", {"form": form})
    form = _form(request.POST, now=now, policy=policy)
    context = {"form": form}
    if request.rate_limited:
        context["notice"] = _(
            "We received many requests from your connection in a short time. Please wait "
            "about %(seconds)s seconds, then press Join again: what you typed is kept."
        ) % {"seconds": request.rate_limited}
        response = render(request, "bookings/waitlist_join.html", context, status=429)
        response["Retry-After"] = str(request.rate_limited)
        return response
    if not form.is_valid():
        return render(request, "bookings/waitlist_join.html", context, status=400)
    data = form.cleaned_data
    entry = waitlist.waitlist_join(
        wishes=_wishes(data), name=data["name"], email=data["email"], phone=data["phone"], now=now
    )
    messages.success(
        request,
        _(
            "You are on the waitlist. A confirmation with your private link is on its way to "
            "%(email)s."
        )
        % {"email": entry.email},
    )
    return HttpResponseRedirect(entry.get_absolute_url())


def _entry(token: str) -> WaitlistEntry:
    if len(token) > 64:
        raise Http404
    return get_object_or_404(
        WaitlistEntry.objects.select_related("service", "therapist", "booking"), token=token
    )


def _entry_initial(entry: WaitlistEntry) -> dict:
    return {
        "service": entry.service.slug,
        "therapist": entry.therapist.slug if entry.therapist else ANY,
        "weekdays": entry.weekday_list,
        "parts": entry.part_list,
        "from_date": entry.from_date,
        "until_date": entry.until_date,
    }


@rate_limited("lookup", methods=("GET", "POST"))
@rate_limited("booking")
@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_entry(request, token):
    """An entry by its private link: GET shows it; POST changes it or leaves the list."""
    entry = _entry(token)
    now, policy = timezone.now(), BookingPolicy.load()
    waiting = entry.status == WaitlistEntry.Status.WAITING
    form = _form(None, now=now, policy=policy, joining=False, initial=_entry_initial(entry))
    status = 200
    if request.method == "POST" and waiting:
        if "leave" in request.POST:
            waitlist.waitlist_leave(entry=entry, now=now)
            messages.success(request, _("You have left the waitlist. We will not email offers."))
            return HttpResponseRedirect(entry.get_absolute_url())
        form = _form(request.POST, now=now, policy=policy, joining=False)
        if form.is_valid():
            waitlist.waitlist_change(entry=entry, wishes=_wishes(form.cleaned_data), now=now)
            messages.success(request, _("Your waitlist entry is changed; it keeps its place."))
            return HttpResponseRedirect(entry.get_absolute_url())
        status = 400
    offers = entry.offers.select_related("service", "therapist").order_by("-offered_at")
    context = {"entry": entry, "form": form, "waiting": waiting, "offers": offers, "now": now}
    return render(request, "bookings/waitlist_entry.html", context, status=status)


def _offer(token: str) -> WaitlistOffer:
    if len(token) > 64:
        raise Http404
    return get_object_or_404(
        WaitlistOffer.objects.select_related("entry", "service", "therapist", "booking"),
        token=token,
    )


def _closed(request, offer: WaitlistOffer, error: BookingError, *, now, policy):
    """The friendly refusal: why, that they stay on the list, and the nearest free times."""
    context = {
        "offer": offer,
        "message": error.message,
        "still_waiting": offer.entry.status == WaitlistEntry.Status.WAITING,
        "service": offer.service,
        "therapist_param": offer.entry.therapist.slug if offer.entry.therapist else ANY,
        "slots": nearest_slots(
            offer.service, offer.entry.therapist, offer.start, now=now, policy=policy
        ),
    }
    return render(request, "bookings/waitlist_offer_closed.html", context, status=error.status)


@rate_limited("lookup", methods=("GET", "POST"))
@rate_limited("booking", keep_input=True)
@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_offer(request, token):
    """An offer by its link: GET shows the session to confirm; POST claims (books) it."""
    offer = _offer(token)
    now, policy = timezone.now(), BookingPolicy.load()
    if offer.status == WaitlistOffer.Status.CLAIMED and offer.booking_id:
        return HttpResponseRedirect(offer.booking.manage_path())
    if request.method == "POST" and not request.rate_limited:
        try:
            booking = waitlist.waitlist_claim(offer=offer, now=now)
        except BookingError as error:
            offer.refresh_from_db()
            return _closed(request, offer, error, now=now, policy=policy)
        # No message: the page's heading says it is booked, its intro where the confirmation is.
        return HttpResponseRedirect(booking.manage_path())
    code = waitlist.offer_refusal(offer, now=now)
    problem = waitlist.OfferClosed(code) if code else None
    problem = problem or slot_problem(
        service=offer.service, therapist=offer.therapist, start=offer.start, now=now, policy=policy
    )
    if problem is not None:
        if not isinstance(problem, waitlist.OfferClosed):
            problem = waitlist.OfferClosed("taken")  # booked another way meanwhile
        return _closed(request, offer, problem, now=now, policy=policy)
    tz = clinic_tz()
    context = {
        "offer": offer,
        "service": offer.service,
        "therapist": offer.therapist,
        "start": offer.start.astimezone(tz),
        "end": (offer.start + offer.service.length).astimezone(tz),
        "rate_limited": request.rate_limited,
    }
    return render(
        request,
        "bookings/waitlist_offer.html",
        context,
        status=429 if request.rate_limited else 200,
    )
