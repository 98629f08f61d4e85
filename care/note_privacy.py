"""Treatment notes and outcomes in the client's own data export, and their erasure.

The export holds, per person, each session's note as written and signed (with its addenda
and when staff read it; staff appear by the signer's name only, as signed), every measured
value, when staff read their scores and whether they unsubscribed from aftercare. Erasure
deletes notes, addenda, values and the unsubscription; the read log keeps who read and when,
pointing at nobody.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy

from bookings.models import Client
from bookings.privacy import PrivacySection, local, register

from .models import AftercareOptOut, IntakeAccess, Outcome, TreatmentNote
from .note_templates import TECHNIQUES


def _note(note: TreatmentNote) -> dict:
    techniques = dict(TECHNIQUES)
    return {
        "session": note.booking.reference,
        "session_start": local(note.booking.start),
        "subjective": str(note.subjective),
        "objective": str(note.objective),
        "techniques": [str(techniques.get(code, code)) for code in note.techniques],
        "response": str(note.response),
        "assessment": str(note.assessment),
        "plan": str(note.plan),
        "home_care": str(note.home_care),
        "home_care_articles": [article.title for article in note.articles.all()],
        "next_visit_in_weeks": note.next_visit_weeks,
        "signed": local(note.signed_at),
        "signed_by": note.signed_name,
        "addenda": [
            {"at": local(a.at), "by": a.author_name, "text": str(a.text)}
            for a in note.addenda.all()
        ],
        "aftercare_emailed": local(note.aftercare_sent_at),
        "read_by_staff": [local(access.at) for access in note.accesses.all()],
    }


def _outcome(outcome: Outcome) -> dict:
    return {
        "session": outcome.booking.reference,
        "measure": str(outcome.get_measure_display()),
        "value": dict(outcome.value),
        "recorded": local(outcome.at),
    }


def export_notes(people: list[Client]) -> dict[int, dict]:
    """Each person's notes and measured values, oldest first."""
    found = {
        p.pk: {
            "notes": [],
            "outcomes": [],
            "scores_read_by_staff": [],
            "aftercare_unsubscribed": None,
        }
        for p in people
    }
    notes = (
        TreatmentNote.objects.filter(client__in=people)
        .select_related("booking")
        .prefetch_related("articles", "addenda", "accesses")
        .order_by("booking__start")
    )
    for note in notes:
        found[note.client_id]["notes"].append(_note(note))
    for outcome in Outcome.objects.filter(client__in=people).select_related("booking"):
        found[outcome.client_id]["outcomes"].append(_outcome(outcome))
    for read in IntakeAccess.objects.filter(client__in=people).order_by("at", "pk"):
        found[read.client_id]["scores_read_by_staff"].append(local(read.at))
    for opt_out in AftercareOptOut.objects.filter(client__in=people):
        found[opt_out.client_id]["aftercare_unsubscribed"] = local(opt_out.at)
    return found


def erase_notes(*, people: list[Client], by: AbstractBaseUser, now: datetime) -> int:
    """Delete these people's notes (addenda with them), values and unsubscriptions."""
    count = 0
    for model in [TreatmentNote, Outcome, AftercareOptOut]:
        deleted, _rows = model.objects.filter(client__in=people).delete()
        count += deleted
    IntakeAccess.objects.filter(client__in=people).update(client=None)
    return count


def register_section() -> None:
    register(
        PrivacySection(
            key="treatment_notes",
            title=gettext_lazy("Treatment notes and progress"),
            export=export_notes,
            erase=erase_notes,
            template="care/privacy/_treatment_notes.html",
        )
    )
