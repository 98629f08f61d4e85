"""What a treatment note prompts for, per treatment (bookings.Service.kind).

The prompts are help texts under each part of the SOAP note, so a therapist sees what the
clinic usually records for that treatment; nothing is prefilled into the note itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TECHNIQUES = [
    ("deep_tissue", _("Deep tissue")),
    ("myofascial_release", _("Myofascial release")),
    ("trigger_point", _("Trigger point therapy")),
    ("stretching", _("Stretching")),
    ("swedish", _("Swedish massage")),
    ("heat", _("Heat")),
]
NEXT_VISIT_CHOICES = [
    ("", _("No suggestion")),
    ("1", _("In 1 week")),
    ("2", _("In 2 weeks")),
    ("3", _("In 3 weeks")),
    ("4", _("In 4 weeks")),
    ("6", _("In 6 weeks")),
]


@dataclass(frozen=True)
class NoteTemplate:
    title: Promise
    subjective: Promise
    objective: Promise
    response: Promise
    assessment: Promise
    plan: Promise
    home_care: Promise


SCIATICA = NoteTemplate(
    title=_("Sciatica"),
    subjective=_(
        "Where it hurts today (low back, buttock, which leg and how far down), tingling or "
        "numbness, and how it has moved since last time; what sets it off."
    ),
    objective=_(
        "What you found: e.g. a tight piriformis, gluteal trigger points, straight-leg raise, "
        "lumbar range of movement, posture."
    ),
    response=_("How the client responded: pressure tolerated, change in pain or range."),
    assessment=_("Your reading of today's findings against last time."),
    plan=_("Plan for the next sessions: focus, frequency, anything to refer on."),
    home_care=_(
        "Plain advice the client receives by email the next morning, e.g. a gentle "
        "piriformis stretch twice a day, heat for 15 minutes. No clinical detail."
    ),
)
NECK_SHOULDER = NoteTemplate(
    title=_("Neck & shoulder"),
    subjective=_(
        "Where it hurts (neck, upper trapezius, between the shoulder blades), headaches, "
        "turning the head, and how it has moved since last time; work and screen posture."
    ),
    objective=_(
        "What you found: e.g. trigger points in the upper trapezius or levator scapulae, "
        "cervical rotation left and right, shoulder elevation."
    ),
    response=_("How the client responded: pressure tolerated, change in pain or rotation."),
    assessment=_("Your reading of today's findings against last time."),
    plan=_("Plan for the next sessions: focus, frequency, anything to refer on."),
    home_care=_(
        "Plain advice the client receives by email the next morning, e.g. chin tucks every "
        "hour at the desk, a warm shower on the shoulders. No clinical detail."
    ),
)
GENERAL = NoteTemplate(
    title=_("General"),
    subjective=_("What the client reports today and how it has moved since last time."),
    objective=_("What you found."),
    response=_("How the client responded to the treatment."),
    assessment=_("Your reading of today's findings."),
    plan=_("Plan for the next sessions."),
    home_care=_("Plain advice the client receives by email the next morning. No clinical detail."),
)
TEMPLATES = {"sciatica": SCIATICA, "neck_shoulder": NECK_SHOULDER}


def template_for(kind: str) -> NoteTemplate:
    return TEMPLATES.get(kind, GENERAL)
