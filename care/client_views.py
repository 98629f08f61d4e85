"""The client's side of outcomes and aftercare: pain before a session, the aftercare page,
unsubscribing from aftercare, and "My progress".

GET only shows; every answer is a POST (a mail scanner following a link changes nothing).
The pain-before page is reached by the booking's link; the aftercare page needs the key of
the link in the aftercare email (care.links), since it shows the person's progress.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from bookings.models import Booking
from bookings.privacy import people_under
from bookings.views.my import signed_in
from clinic.http import never_cache
from clinic.ratelimit import rate_limited

from . import links, notes, progress
from .aftercare import aftercare_path, book_next_path, published_articles
from .models import AftercareOptOut, Outcome, TreatmentNote
from .note_forms import ScoreForm
from .services import SCORES, pain_open


def _booking(token: str) -> Booking:
    if len(token) > 64:
        raise Http404
    return get_object_or_404(
        Booking.objects.select_related("client", "service", "therapist"), token=token
    )


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@rate_limited("lookup", methods=("GET", "POST"))
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "POST"])
def pain_before(request, token):
    """How bad is the pain right now? Eleven buttons, each a POST; optional."""
    booking = _booking(token)
    now = timezone.now()
    if not pain_open(booking, now):
        return HttpResponseRedirect(booking.manage_path())
    form = ScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notes.outcome_record(
            booking=booking,
            measure=Outcome.Measure.PAIN_BEFORE,
            value={"score": form.cleaned_data["score"]},
            by=None,
            now=now,
        )
        messages.success(request, _("Thank you: your therapist will see it before your session."))
        back = request.POST.get("back") == "manage"
        return HttpResponseRedirect(booking.manage_path() if back else request.path)
    given = Outcome.objects.filter(booking=booking, measure=Outcome.Measure.PAIN_BEFORE).first()
    context = {"booking": booking, "form": form, "scores": SCORES, "given": given}
    status = 400 if form.is_bound else 200
    return _private(render(request, "care/pain.html", context, status=status))


def _aftercare_visit(request, token) -> tuple[Booking, TreatmentNote]:
    booking = _booking(token)
    key = request.GET.get("k", "")
    note = TreatmentNote.objects.signed().filter(booking=booking).first()
    if not links.is_mailbox_key(booking, key) or note is None:
        raise Http404
    return booking, note


@rate_limited("lookup", methods=("GET", "POST"))
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "POST"])
def aftercare(request, token):
    """How do you feel today? (buttons POST 0-10), the home care, the next visit, the
    person's progress once answered, and unsubscribing."""
    booking, note = _aftercare_visit(request, token)
    form = ScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notes.outcome_record(
            booking=booking,
            measure=Outcome.Measure.PAIN_NEXT_DAY,
            value={"score": form.cleaned_data["score"]},
            by=None,
            now=timezone.now(),
        )
        messages.success(request, _("Thank you for letting us know."))
        return HttpResponseRedirect(aftercare_path(booking))
    given = Outcome.objects.filter(booking=booking, measure=Outcome.Measure.PAIN_NEXT_DAY).first()
    context = {
        "booking": booking,
        "note": note,
        "form": form,
        "scores": SCORES,
        "given": given,
        "chart": progress.chart(progress.progress_rows(booking.client)) if given else None,
        "person": booking.client,
        "articles": published_articles(note, now=timezone.now()),
        "book_url": book_next_path(note),
        "action_url": aftercare_path(booking),
        "unsubscribe_url": aftercare_path(booking, "aftercare_stop"),
        "unsubscribed": AftercareOptOut.objects.filter(client=booking.client).exists(),
    }
    status = 400 if form.is_bound else 200
    return _private(render(request, "care/aftercare.html", context, status=status))


@rate_limited("lookup", methods=("GET", "POST"))
@never_cache
@require_POST
def aftercare_stop(request, token):
    """One click: no more aftercare emails for this person."""
    booking, _note = _aftercare_visit(request, token)
    AftercareOptOut.objects.get_or_create(client=booking.client, defaults={"at": timezone.now()})
    messages.success(request, _("You will get no more aftercare emails from us."))
    return HttpResponseRedirect(aftercare_path(booking))


@never_cache
@require_http_methods(["GET"])
@signed_in
def my_progress(request, email):
    """My bookings → My progress: a chart and table for each person under the address."""
    people = [
        {
            "person": person,
            "chart": progress.chart(progress.progress_rows(person)),
            "chart_id": f"progress-{n}",
        }
        for n, person in enumerate(people_under(email), start=1)
    ]
    return _private(render(request, "care/my_progress.html", {"people": people, "email": email}))
