"""The client's health form, reached through their booking's private link.

GET only shows; every step is a POST that saves what was typed into the person's encrypted
draft, valid or not, then moves on (or back). The last step checks every step again and
submits. Nothing here is cached, and POST data is hidden from error reports.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from bookings.models import Booking
from clinic.ratelimit import rate_limited

from . import questions, services
from .forms import STEP_FORMS, ConsentForm
from .models import ConsentText, Intake


def _booking(token: str) -> Booking:
    if len(token) > 64:
        raise Http404
    return get_object_or_404(
        Booking.objects.select_related("client", "service", "therapist"), token=token
    )


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _steps(booking: Booking, current: str, saved: int) -> list[dict]:
    return [
        {
            "name": name,
            "title": title,
            "number": index + 1,
            "url": reverse("care:step", args=[booking.token, name]),
            "reachable": index <= saved,
            "current": name == current,
        }
        for index, (name, title) in enumerate(questions.STEPS)
    ]


def advice(codes) -> dict | None:
    """What the client is told about red flags at once: urgent or not, and what they said."""
    found = questions.red_flags(codes)
    if not found:
        return None
    return {"urgent": any(f.urgent for f in found), "told": [f.plain for f in found]}


def _form(step: str, *, today, consent: ConsentText | None, **kwargs):
    if step == "consent":
        kwargs["consent_version"] = consent.version if consent else None
    return STEP_FORMS[step](today=today, **kwargs)


@sensitive_variables()
def _render_step(request, booking, step, form, answers, *, status=200, notice=""):
    index = questions.STEP_NAMES.index(step)
    saved = (
        Intake.objects.drafts()
        .filter(client_id=booking.client_id)
        .values_list("steps_saved", flat=True)
        .first()
    )
    signs_index = questions.STEP_NAMES.index("signs")
    context = {
        "booking": booking,
        "step": step,
        "title": dict(questions.STEPS)[step],
        "number": index + 1,
        "count": len(questions.STEPS),
        "steps": _steps(booking, step, saved or 0),
        "form": form,
        "notice": notice,
        "step_url": reverse("care:step", args=[booking.token, step]),
        "consent": ConsentText.current() if step == "consent" else None,
        "advice": advice(questions.flags_from({"signs": answers.get("signs") or {}}))
        if index > signs_index
        else None,
    }
    return _private(render(request, "care/step.html", context, status=status))


@rate_limited("lookup", methods=("GET", "POST"))
@never_cache
@require_GET
def start(request, token):
    """What the form is, who reads it, and where the client stands: start, continue, update."""
    booking = _booking(token)
    health = services.health_form(booking)
    saved = health.draft.steps_saved if health.draft else 0
    following = questions.STEP_NAMES[min(saved, len(questions.STEP_NAMES) - 1)]
    context = {
        "booking": booking,
        "health": health,
        "first_step_url": reverse("care:step", args=[booking.token, questions.STEP_NAMES[0]]),
        "continue_url": reverse("care:step", args=[booking.token, following]),
        "open": booking.status == Booking.Status.CONFIRMED,
    }
    return _private(render(request, "care/start.html", context))


@rate_limited("lookup", methods=("GET", "POST"))
@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "POST"])
def step(request, token, step):
    booking = _booking(token)
    if step not in STEP_FORMS:
        raise Http404
    if booking.status != Booking.Status.CONFIRMED:
        return HttpResponseRedirect(reverse("care:start", args=[booking.token]))
    consent = ConsentText.current()
    if request.method == "GET":
        return _show_step(request, booking, step, consent)
    return _save_step(request, booking, step, consent)


def _step_redirect(booking, step: str | None):
    if step is None:
        return HttpResponseRedirect(reverse("care:start", args=[booking.token]))
    return HttpResponseRedirect(reverse("care:step", args=[booking.token, step]))


@sensitive_variables()
def _show_step(request, booking, step, consent):
    """The step with what the draft (or the last form, for an update) holds."""
    answers = services.draft_answers(client=booking.client)
    initial = dict(answers.get(step) or {})
    if step == "consent":
        initial.pop("signed_on", None)  # always today's date
        if initial.get("consent_version") != (consent and consent.version):
            initial.pop("agree", None)  # agreed to another version of the text
    form = _form(step, today=timezone.localdate(), consent=consent, initial=initial)
    return _render_step(request, booking, step, form, answers)


@sensitive_variables()
def _save_step(request, booking, step, consent):
    """Save what was typed (valid or not), then back, onwards, or the errors; the last submits."""
    form = _form(step, today=timezone.localdate(), consent=consent, data=request.POST)
    index = questions.STEP_NAMES.index(step)
    if step == "consent" and not Intake.objects.drafts().filter(client=booking.client).exists():
        # Nothing left to sign: this form was just sent (a second click on Send).
        return HttpResponseRedirect(reverse("care:received", args=[booking.token]))
    going_back = request.POST.get("action") == "back"
    valid = not going_back and form.is_valid()
    draft = services.intake_save_step(
        booking=booking, step=step, data=form.raw_data(), now=timezone.now()
    )
    if going_back:
        return _step_redirect(booking, questions.STEP_NAMES[index - 1] if index else None)
    if not valid:
        return _render_step(request, booking, step, form, draft.answers, status=400)
    if step != "consent":
        return _step_redirect(booking, questions.STEP_NAMES[index + 1])
    return _submit(request, booking, draft, form, consent)


@sensitive_variables()
def _submit(request, booking, draft, consent_form: ConsentForm, consent: ConsentText):
    """Check every step as saved; the first that fails is shown with its errors."""
    today = timezone.localdate()
    answers = {}
    for name in questions.STEP_NAMES[:-1]:
        form = _form(name, today=today, consent=consent, data=draft.answers.get(name) or {})
        if not form.is_valid():
            notice = "Please finish this step first: then you can sign and send your form."
            return _render_step(
                request, booking, name, form, draft.answers, status=400, notice=notice
            )
        answers[name] = form.answers_of()
    answers["consent"] = consent_form.answers_of()
    services.intake_submit(
        draft=draft, answers=answers, consent=consent, booking=booking, now=timezone.now()
    )
    return HttpResponseRedirect(reverse("care:received", args=[booking.token]))


@rate_limited("lookup", methods=("GET", "POST"))
@sensitive_variables()
@never_cache
@require_GET
def received(request, token):
    """After sending: the form's state, and at once what red flags mean for the client."""
    booking = _booking(token)
    health = services.health_form(booking)
    shown = health.current or health.last
    context = {
        "booking": booking,
        "health": health,
        "advice": advice(shown.flags) if shown else None,
        "reviewing": bool(shown and shown.flagged),
    }
    return _private(render(request, "care/received.html", context))
