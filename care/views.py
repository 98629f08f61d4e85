"""The client's health form, reached through their booking's private link.

GET only shows; every step is a POST that saves what was typed into the booking's encrypted
draft, valid or not, then moves on (or back). The last step checks every step again and
submits. Earlier forms of the person show only to a visitor who came with the link from the
booking's emails (care.links). Nothing here is cached; POST data and the views' variables
are hidden from error reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from bookings.models import Booking
from clinic.http import never_cache
from clinic.ratelimit import rate_limited

from . import links, questions, services
from .forms import STEP_FORMS, ConsentForm
from .models import ConsentText, Intake


@dataclass(frozen=True)
class Visit:
    """Whose booking link this is, and whether it came from the booking's emails."""

    booking: Booking
    key: str = ""  # the mailbox key, kept in every link of the form when it was valid

    @property
    def proven(self) -> bool:
        return bool(self.key)

    def path(self, page: str = "start", step: str = "") -> str:
        return links.form_path(self.booking, page, step, key=self.key)

    def redirect(self, page: str = "start", step: str = ""):
        return HttpResponseRedirect(self.path(page, step))


def _visit(request, token: str) -> Visit:
    if len(token) > 64:
        raise Http404
    booking = get_object_or_404(
        Booking.objects.select_related("client", "service", "therapist"), token=token
    )
    key = request.GET.get("k", "")
    return Visit(booking, key if links.is_mailbox_key(booking, key) else "")


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _steps(visit: Visit, current: str, saved: int) -> list[dict]:
    return [
        {
            "name": name,
            "title": title,
            "number": index + 1,
            "url": visit.path("step", name),
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
def _render_step(request, visit: Visit, step, form, answers, *, status=200, notice=""):
    index = questions.STEP_NAMES.index(step)
    saved = (
        Intake.objects.drafts()
        .filter(booking=visit.booking)
        .values_list("steps_saved", flat=True)
        .first()
    )
    signs = {"signs": answers.get("signs") or {}}
    context = {
        "booking": visit.booking,
        "step": step,
        "title": dict(questions.STEPS)[step],
        "number": index + 1,
        "count": len(questions.STEPS),
        "steps": _steps(visit, step, saved or 0),
        "form": form,
        "notice": notice,
        "step_url": visit.path("step", step),
        "start_url": visit.path(),
        "consent": ConsentText.current() if step == "consent" else None,
        "advice": (
            advice(questions.flags_from(signs))
            if index > questions.STEP_NAMES.index("signs")
            else None
        ),
    }
    return _private(render(request, "care/step.html", context, status=status))


@rate_limited("lookup", methods=("GET", "POST"))
@never_cache
@require_GET
def start(request, token):
    """What the form is, who reads it, and where the client stands: start, continue, update."""
    visit = _visit(request, token)
    health = services.client_health_form(visit.booking, proven=visit.proven)
    saved = health.draft.steps_saved if health.draft else 0
    following = questions.STEP_NAMES[min(saved, len(questions.STEP_NAMES) - 1)]
    context = {
        "booking": visit.booking,
        "health": health,
        "first_step_url": visit.path("step", questions.STEP_NAMES[0]),
        "continue_url": visit.path("step", following),
        "open": visit.booking.status == Booking.Status.CONFIRMED,
        "proven": visit.proven,
    }
    return _private(render(request, "care/start.html", context))


@rate_limited("lookup", methods=("GET", "POST"))
@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "POST"])
def step(request, token, step):
    visit = _visit(request, token)
    if step not in STEP_FORMS:
        raise Http404
    if visit.booking.status != Booking.Status.CONFIRMED:
        return visit.redirect()
    consent = ConsentText.current()
    if request.method == "GET":
        return _show_step(request, visit, step, consent)
    return _save_step(request, visit, step, consent)


@sensitive_variables()
def _show_step(request, visit: Visit, step, consent):
    """The step with what the draft (or the last form, for an update) holds."""
    answers = services.draft_answers(booking=visit.booking, proven=visit.proven)
    initial = dict(answers.get(step) or {})
    if step == "consent":
        initial.pop("signed_on", None)  # always today's date
        if initial.get("consent_version") != (consent and consent.version):
            initial.pop("agree", None)  # agreed to another version of the text
    form = _form(step, today=timezone.localdate(), consent=consent, initial=initial)
    return _render_step(request, visit, step, form, answers)


@sensitive_variables()
def _save_step(request, visit: Visit, step, consent):
    """Save what was typed (valid or not), then back, onwards, or the errors; the last submits."""
    form = _form(step, today=timezone.localdate(), consent=consent, data=request.POST)
    index = questions.STEP_NAMES.index(step)
    if step == "consent" and not Intake.objects.drafts().filter(booking=visit.booking).exists():
        # Nothing left to sign: this form was just sent (a second click on Send).
        return visit.redirect("received")
    going_back = request.POST.get("action") == "back"
    valid = not going_back and form.is_valid()
    draft = services.intake_save_step(
        booking=visit.booking,
        step=step,
        data=form.raw_data(),
        now=timezone.now(),
    )
    if going_back:
        return (
            visit.redirect("step", questions.STEP_NAMES[index - 1]) if index else visit.redirect()
        )
    if not valid:
        return _render_step(request, visit, step, form, draft.answers, status=400)
    if step != "consent":
        return visit.redirect("step", questions.STEP_NAMES[index + 1])
    return _submit(request, visit, draft, form, consent)


@sensitive_variables()
def _submit(request, visit: Visit, draft, consent_form: ConsentForm, consent: ConsentText):
    """Check every step as saved; the first that fails is shown with its errors."""
    today = timezone.localdate()
    answers = {}
    for name in questions.STEP_NAMES[:-1]:
        form = _form(name, today=today, consent=consent, data=draft.answers.get(name) or {})
        if not form.is_valid():
            notice = "Please finish this step first: then you can sign and send your form."
            return _render_step(
                request, visit, name, form, draft.answers, status=400, notice=notice
            )
        answers[name] = form.answers_of()
    answers["consent"] = consent_form.answers_of()
    services.intake_submit(
        draft=draft, answers=answers, consent=consent, booking=visit.booking, now=timezone.now()
    )
    return visit.redirect("received")


@rate_limited("lookup", methods=("GET", "POST"))
@sensitive_variables()
@never_cache
@require_GET
def received(request, token):
    """After sending: the form's state, and at once what red flags mean for the client."""
    visit = _visit(request, token)
    health = services.client_health_form(visit.booking, proven=visit.proven)
    shown = health.current or health.last
    context = {
        "booking": visit.booking,
        "health": health,
        "start_url": visit.path(),
        "advice": advice(shown.flags) if shown else None,
        "reviewing": bool(shown and shown.flagged),
    }
    return _private(render(request, "care/received.html", context))
