"""My bookings: a client signs in with an emailed link (no password) and sees every booking
of every person under that email, each with its private link, and can have a confirmation
sent again.

Asking for a link answers the same whatever the address (`bookings.sign_in`). The link's
page only shows a "Sign in" button; its POST signs in: the session holds the address for a
day from then, under a new session key. GET never changes anything.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.middleware.csrf import rotate_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.http import never_cache
from clinic.ratelimit import rate_limited

from .. import services
from ..forms import SignInRequestForm
from ..models import Booking, ErasureRequest
from ..privacy import people_under
from ..sign_in import LinkRefused, sign_in_link_check, sign_in_link_request, sign_in_link_use

SESSION_EMAIL = "my_bookings_email"
SESSION_SINCE = "my_bookings_since"
SESSION_LIFETIME = timedelta(days=1)

REFUSED = {
    "invalid": (
        400,
        gettext_lazy("This sign-in link does not work"),
        gettext_lazy(
            "The link may have been cut short or changed on its way to you. Ask for a new "
            "one below; it only takes a moment."
        ),
    ),
    "expired": (
        410,
        gettext_lazy("This sign-in link has expired"),
        gettext_lazy("Sign-in links work for 30 minutes. Ask for a new one below."),
    ),
    "used": (
        410,
        gettext_lazy("This sign-in link has been used"),
        gettext_lazy(
            "Each link signs in once. If that was not you, no harm is done: ask for a new "
            "link below."
        ),
    ),
}


def signed_in_email(request, now: datetime) -> str | None:
    """The address this browser signed in to, within a day of signing in; None otherwise."""
    email, since = request.session.get(SESSION_EMAIL), request.session.get(SESSION_SINCE)
    if not email or not since:
        return None
    if now - datetime.fromisoformat(since) >= SESSION_LIFETIME:
        return None
    return email


def signed_in(view):
    """The view receives the signed-in address; without one, back to the sign-in form."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        email = signed_in_email(request, timezone.now())
        if email is None:
            messages.info(request, _("Please sign in to see your bookings."))
            return HttpResponseRedirect(reverse("bookings:my"))
        return view(request, email, *args, **kwargs)

    return wrapper


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _people(email: str, now: datetime) -> list[dict]:
    """Each person under the address with their upcoming (soonest first) and past bookings."""
    bookings = Booking.objects.select_related("service", "therapist").order_by("start", "pk")
    people = people_under(email).prefetch_related(Prefetch("bookings", queryset=bookings))
    groups = []
    for person in people:
        mine = list(person.bookings.all())
        groups.append(
            {
                "person": person,
                "upcoming": [b for b in mine if b.start >= now],
                "past": [b for b in reversed(mine) if b.start < now],
            }
        )
    return groups


def _bookings_page(request, email: str, now: datetime):
    waiting = ErasureRequest.objects.filter(email=email, status=ErasureRequest.Status.PENDING)
    context = {
        "email": email,
        "people": _people(email, now),
        "erasure": waiting.first(),
        "until": datetime.fromisoformat(request.session[SESSION_SINCE]) + SESSION_LIFETIME,
    }
    return _private(render(request, "bookings/my_bookings.html", context))


@rate_limited("sign_in")
@never_cache
@require_http_methods(["GET", "POST"])
def my_bookings(request):
    """Signed in: every booking under the address. Otherwise (and on POST) the email form."""
    now = timezone.now()
    if request.method == "POST":
        form = SignInRequestForm(request.POST)
        if form.is_valid():
            sign_in_link_request(email=form.cleaned_data["email"], now=now)
            return HttpResponseRedirect(reverse("bookings:my_link_sent"))
        return render(request, "bookings/my_sign_in_request.html", {"form": form}, status=400)
    email = signed_in_email(request, now)
    if email is not None:
        return _bookings_page(request, email, now)
    return render(request, "bookings/my_sign_in_request.html", {"form": SignInRequestForm()})


@require_GET
def my_link_sent(request):
    """The answer to every request for a link, whether or not the address is known."""
    return render(request, "bookings/my_link_sent.html")


def _refused(request, code: str):
    status, title, message = REFUSED[code]
    context = {"title": title, "message": message, "form": SignInRequestForm()}
    return _private(render(request, "bookings/my_link_refused.html", context, status=status))


@rate_limited("lookup", methods=("GET", "POST"))
@never_cache
@require_http_methods(["GET", "POST"])
def my_sign_in(request, token):
    """The emailed link: GET shows a "Sign in" button (mail scanners follow links and must
    change nothing); the button's POST uses up the link and signs this browser in."""
    now = timezone.now()
    try:
        if request.method == "GET":
            sign_in_link_check(token=token, now=now)
            return _private(render(request, "bookings/my_sign_in.html"))
        email = sign_in_link_use(token=token, now=now)
    except LinkRefused as refused:
        return _refused(request, refused.code)
    # A new session key and CSRF token on signing in, as Django's login() does.
    request.session.cycle_key()
    rotate_token(request)
    request.session[SESSION_EMAIL] = email
    request.session[SESSION_SINCE] = now.isoformat()
    request.session.set_expiry(now + SESSION_LIFETIME)
    messages.success(request, _("You are signed in. Here are your bookings."))
    return HttpResponseRedirect(reverse("bookings:my"))


@never_cache
@require_POST
def my_sign_out(request):
    request.session.pop(SESSION_EMAIL, None)
    request.session.pop(SESSION_SINCE, None)
    request.session.cycle_key()
    messages.success(request, _("You are signed out of My bookings."))
    return HttpResponseRedirect(reverse("bookings:my"))


@rate_limited("booking")
@never_cache
@require_POST
@signed_in
def my_resend(request, email, reference):
    """Send one upcoming booking's confirmation again, to the booking's own address."""
    booking = get_object_or_404(
        Booking.objects.select_related("service", "therapist"),
        reference=reference[:12],
        client__in=people_under(email),
    )
    try:
        services.booking_resend_confirmation(booking=booking, now=timezone.now())
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The confirmation of %(reference)s is on its way to you again.")
            % {"reference": booking.reference},
        )
    return HttpResponseRedirect(reverse("bookings:my"))
