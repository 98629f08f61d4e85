"""Health form states where bookings are shown: the booking's emails, its admin page and the
agenda (the client's booking page reads its own: care/booking_page.py). States and outcomes
only: no tag here reads an answer.
"""

from django import template
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..links import emailed_form_url, form_path, mailbox_key
from ..models import Intake, IntakeState, SessionIntake
from ..services import health_form

register = template.Library()


@register.simple_tag
def health_form_email(booking) -> dict:
    """For the confirmation and reminder emails: what to ask of the form, and its link."""
    # The email goes to the booking's contact: the person's own state, and the link with
    # the mailbox key, which shows their earlier forms.
    health = health_form(booking)
    url = emailed_form_url(booking)
    if health.state != IntakeState.MISSING:
        intro = _(
            "If your health has changed since you filled in your health form, please update it:"
        )
        label = _("Update your health form")
    elif health.draft is not None:
        intro = _("Please finish your health form before your session; your answers are saved:")
        label = _("Finish your health form")
    elif health.out_of_date:
        intro = _(
            "Your health form is more than 12 months old: please update it before your session:"
        )
        label = _("Update your health form")
    else:
        intro = _("Before your session, please fill in our health form (about 5 minutes):")
        label = _("Fill in your health form")
    return {"intro": intro, "label": label, "url": url}


@register.simple_tag
def my_health_form(booking) -> dict:
    """For "My bookings", signed in with the emailed link: the person's state, and the
    form's link with the mailbox key (the sign-in proved the mailbox)."""
    health = health_form(booking)
    label = _("Health form: %(state)s") % {"state": health.state_label.lower()}
    return {"label": label, "url": form_path(booking, key=mailbox_key(booking))}


class AgendaStates(dict):
    """{booking id: health form state}, and `signed`: the sessions whose note is signed."""

    signed: frozenset = frozenset()


@register.simple_tag
def agenda_intake_states(lanes) -> dict:
    """{booking id: state} for the agenda's sessions, and their signed notes, in one query."""
    from ..models import TreatmentNote

    ids = [session.booking.pk for lane in lanes for session in lane.sessions]
    signed = TreatmentNote.objects.signed().filter(booking=OuterRef("pk"))
    rows = (
        # One query even for an empty agenda ([0] matches nothing), so the page's query
        # count does not depend on how many sessions it shows.
        SessionIntake.objects.filter(pk__in=ids or [0])
        .with_intake_state()
        .annotate(note_signed=Exists(signed))
        .values_list("pk", "intake_state", "review_outcome", "note_signed")
    )
    states = AgendaStates()
    for pk, state, outcome, _signed in rows:
        states[pk] = outcome if outcome == "not_suitable" else state
    states.signed = frozenset(pk for pk, _s, _o, note_signed in rows if note_signed)
    return states


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("admin/care/_booking_panel.html", takes_context=True)
def booking_intake_panel(context, booking):
    """The health form box on a booking's admin page; a link to the answers for readers."""
    request = context["request"]
    health = health_form(booking)
    readable = (
        health.last is not None
        and Intake.objects.visible_to(request.user).filter(pk=health.last.pk).exists()
    )
    shown = health.current or health.last
    return {
        "health": health,
        "booking": booking,
        "readable": readable,
        "intake_url": (
            reverse("admin:care_intake_change", args=[shown.pk]) + f"?booking={booking.pk}"
            if readable and shown
            else ""
        ),
    }


# --- Treatment notes: their state where sessions are shown (never their text) -------------


@register.inclusion_tag("admin/care/_note_panel.html", takes_context=True)
def booking_note_panel(context, booking):
    """The treatment note box on a booking's admin page: its state, and a link for those
    who may read or write it (the front desk sees the state only)."""
    from ..models import TreatmentNote, may_read
    from ..note_admin import _clinical_staff, note_state
    from ..notes import may_write, why_no_note

    user = context["request"].user
    now = timezone.now()
    note = TreatmentNote.objects.filter(booking=booking).only("signed_at", "signed_name").first()
    writable = may_write(user, booking, now=now) and not (note and note.locked)
    opens = _clinical_staff(user) and (
        writable or (note is not None and may_read(user, booking.client_id))
    )
    return {
        "state": note_state(note),
        "note": note,
        "url": reverse("admin:care_treatmentnote_session", args=[booking.pk]) if opens else "",
        "writable": writable,
        "why_no_note": "" if note else why_no_note(booking, now=now),
    }


@register.simple_tag(takes_context=True)
def agenda_note_links(context, lanes, states: AgendaStates) -> dict:
    """{booking id: (url, label)} for the agenda's sessions whose note the viewer writes;
    no query of its own (`states` is agenda_intake_states')."""
    from bookings.models import staff_scope

    user = context["request"].user
    now = timezone.now()
    # Who writes a session's note (care.notes.may_write), from ids the agenda already holds.
    own = staff_scope(user).therapist
    sessions = [s.booking for lane in lanes for s in lane.sessions]
    return {
        b.pk: (
            reverse("admin:care_treatmentnote_session", args=[b.pk]),
            _("Treatment note (signed)") if b.pk in states.signed else _("Treatment note"),
        )
        for b in sessions
        if (b.pk in states.signed or (b.status in {"confirmed", "completed"} and b.start <= now))
        and (user.is_superuser or (own and b.therapist_id == own.pk))
    }


@register.simple_tag
def pain_email_url(booking) -> str:
    """For the reminder email: the page that asks for pain now (buttons POST)."""
    from django.conf import settings

    return settings.SITE_URL + reverse("care:pain", args=[booking.token])
