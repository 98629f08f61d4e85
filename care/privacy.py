"""The clinical record's part of a person's data export and erasure (bookings.privacy).

The export holds each person's health forms (drafts too), with the answers as given, the
consent text they signed, what needed review and the review outcomes with their notes, and
when staff read the form (staff appear as a role only). Erasure deletes the forms and their
reviews; the log of reads keeps who read and when, and no longer points at anyone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bookings.models import Client
from bookings.privacy import PrivacySection, local, register

from . import questions
from .models import Intake
from .summary import intake_summary

# Every field of a form is in the export or left out here, on purpose (a test holds it).
INTAKE_NOT_EXPORTED = {
    "id": "internal number",
    "client": "the export is grouped by person",
    "booking": "the booking is in the export's bookings",
    "flagged": "given as the list of answers that needed review",
    "steps_saved": "how far a draft got: its answers are exported",
    "updated_at": "the draft's last save; the submission time is exported",
}


def _form(intake: Intake) -> dict[str, Any]:
    summary = intake_summary(intake.answers, intake.flags, today=timezone.localdate())
    return {
        "status": intake.get_status_display(),
        "started": local(intake.created_at),
        "submitted": local(intake.submitted_at),
        "form_version": intake.form_version,
        "consent_version": intake.consent.version if intake.consent else None,
        "consent_text": intake.consent.text if intake.consent else "",
        "answers": {step: dict(data) for step, data in intake.answers.items()},
        "flags": [str(questions.FLAGS[code].reason) for code in intake.flags],
        "regions": summary["regions"],
        "pain_now": summary["pain_now"],
        "reviews": [
            {"at": local(r.at), "outcome": str(r.get_outcome_display()), "note": str(r.note)}
            for r in intake.reviews.all()
        ],
        "read_by_staff": [local(access.at) for access in intake.accesses.all()],
    }


def export_health_forms(people: list[Client]) -> dict[int, list[dict]]:
    """Each person's health forms, oldest first (four queries)."""
    forms = (
        Intake.objects.filter(client__in=people)
        .select_related("consent")
        .prefetch_related("reviews", "accesses")
        .order_by("created_at", "pk")
    )
    found: dict[int, list[dict]] = {person.pk: [] for person in people}
    for intake in forms:
        found[intake.client_id].append(_form(intake))
    return found


def erase_health_forms(*, people: list[Client], by: AbstractBaseUser, now: datetime) -> int:
    """Delete every form of these people, drafts and reviews with them. Returns the forms."""
    forms = Intake.objects.filter(client__in=people)
    count = forms.count()
    forms.delete()
    return count


def register_section() -> None:
    register(
        PrivacySection(
            key="health_forms",
            title=gettext_lazy("Health forms"),
            export=export_health_forms,
            erase=erase_health_forms,
            template="care/privacy/_health_forms.html",
        )
    )
