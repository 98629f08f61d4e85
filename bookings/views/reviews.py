"""Reviewing a session through the private link in its review request. GET only shows; the
review and the unsubscribe are POSTs. A link that does not work, or a session that cannot be
reviewed, gets a friendly page, never an error."""

from __future__ import annotations

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clinic.http import never_cache
from clinic.ratelimit import rate_limited

from ..models import ReviewOptOut, ReviewRequest, normal_email
from ..reviews import ReviewRefused, review_create, review_refusal, reviews_unsubscribe

RATINGS = [
    (5, gettext_lazy("5 – Excellent")),
    (4, gettext_lazy("4 – Good")),
    (3, gettext_lazy("3 – All right")),
    (2, gettext_lazy("2 – Not great")),
    (1, gettext_lazy("1 – Poor")),
]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How was your session?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Please choose a rating from 1 to 5."),
            "invalid_choice": gettext_lazy("Please choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("Your review"),
        help_text=gettext_lazy(
            "What helped, how you felt afterwards, what others should know. Please leave out "
            "health details you would rather keep private."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": gettext_lazy("Please write a few words about your visit."),
            "max_length": gettext_lazy("Please keep it under 2000 characters."),
        },
    )


def _request(token: str) -> ReviewRequest | None:
    if len(token) > 64:
        return None
    return (
        ReviewRequest.objects.select_related("booking__therapist", "booking__service")
        .filter(token=token)
        .first()
    )


def _page(request, template: str, context: dict, status: int = 200):
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_refused(request):
    return _page(
        request,
        "bookings/review_refused.html",
        {
            "title": _("This review link does not work"),
            "message": _(
                "Please use the link in your email exactly as it is. Reviews can only be "
                "left through the link we send after a completed session."
            ),
        },
        status=404,
    )


@never_cache
@rate_limited("lookup", methods=("GET", "POST"))
@require_http_methods(["GET", "POST"])
def review(request, token):
    """The review form of one completed session, then its thank-you."""
    review_request = _request(token)
    if review_request is None:
        return _link_refused(request)
    now = timezone.now()
    booking = review_request.booking
    context = {"booking": booking, "review_request": review_request}
    refusal = review_refusal(review_request, now=now)
    if refusal is not None:
        status = 200 if refusal.code == "already" or request.method == "GET" else 409
        return _page(
            request, "bookings/review_refused.html", {**context, "refusal": refusal}, status
        )
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            review_create(
                request=review_request,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                now=now,
            )
        except ReviewRefused as error:
            return _page(
                request, "bookings/review_refused.html", {**context, "refusal": error}, 409
            )
        return HttpResponseRedirect(request.path)
    status = 400 if form.is_bound else 200
    return _page(request, "bookings/review.html", {**context, "form": form}, status)


@never_cache
@rate_limited("lookup", methods=("GET", "POST"))
@require_http_methods(["GET", "POST"])
def review_unsubscribe(request, token):
    """No more review requests to this address: GET asks, POST does it."""
    review_request = _request(token)
    if review_request is None:
        return _link_refused(request)
    email = normal_email(review_request.booking.email)
    if request.method == "POST":
        reviews_unsubscribe(request=review_request)
        return HttpResponseRedirect(request.path)
    done = ReviewOptOut.objects.filter(email=email).exists()
    return _page(
        request,
        "bookings/review_unsubscribe.html",
        {"done": done, "booking": review_request.booking},
    )
