"""The health form's questions, and which answers need a therapist's review. No ORM here.

A *contraindication* is a condition that may change or rule out massage (a clot, recent
surgery, a fever); a *red flag* is a sign that back or leg pain needs a doctor first, two of
them urgently. Either puts the client's bookings on "needs review" (see care.models).
Answers are stored by step, as `{step: {field: value}}`, with these codes as field names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Stored with every submission: bump it when a question is added, removed or reworded.
FORM_VERSION = 1

STEPS = [
    ("about", _("About you")),
    ("pain", _("Where it hurts")),
    ("history", _("Health history")),
    ("signs", _("Warning signs")),
    ("preferences", _("Your preferences")),
    ("consent", _("Consent")),
]
STEP_NAMES = [name for name, _title in STEPS]

YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]

REGIONS = [
    ("head", _("Head")),
    ("neck", _("Neck")),
    ("shoulders", _("Shoulders")),
    ("upper_back", _("Upper back")),
    ("lower_back", _("Lower back")),
    ("hips", _("Hips or buttocks")),
    ("left_leg", _("Left leg")),
    ("right_leg", _("Right leg")),
    ("feet", _("Feet")),
    ("arms", _("Arms or hands")),
]

SINCE = [
    ("days", _("Less than a week")),
    ("weeks", _("1 to 6 weeks")),
    ("months", _("6 weeks to 3 months")),
    ("long", _("More than 3 months")),
]

HEARD = [
    ("friend", _("A friend or family member")),
    ("doctor", _("My doctor, physical therapist or chiropractor")),
    ("search", _("A web search")),
    ("article", _("An article on this website")),
    ("social", _("Social media")),
    ("passing", _("I walked or drove past")),
    ("other", _("Somewhere else")),
]

TRIMESTERS = [
    ("1", _("First trimester (weeks 1 to 12)")),
    ("2", _("Second trimester (weeks 13 to 27)")),
    ("3", _("Third trimester (week 28 on)")),
]

PRESSURE = [
    ("light", _("Light")),
    ("medium", _("Medium")),
    ("firm", _("Firm")),
    ("unsure", _("Not sure yet: let the therapist suggest")),
]

THERAPIST_GENDER = [
    ("any", _("No preference")),
    ("woman", _("A woman")),
    ("man", _("A man")),
]


@dataclass(frozen=True)
class Flag:
    code: str
    question: str  # as the client is asked it
    reason: str  # as the therapist reads it
    urgent: bool = False
    plain: str = ""  # red flags: what the client told us, in their words


CONTRAINDICATIONS = [
    Flag(
        "blood_clots",
        _("Have you ever had a blood clot or deep vein thrombosis (DVT)?"),
        _("Blood clot or deep vein thrombosis (DVT)"),
    ),
    Flag(
        "blood_thinners",
        _("Do you take blood thinners (such as warfarin, apixaban, rivaroxaban or daily aspirin)?"),
        _("Takes blood thinners"),
    ),
    Flag(
        "recent_surgery",
        _("Have you had surgery or a broken bone in the last 3 months?"),
        _("Surgery or a fracture in the last 3 months"),
    ),
    Flag(
        "cancer_treatment",
        _("Are you having treatment for cancer, or have you had it in the last 12 months?"),
        _("Cancer treatment (current or in the last 12 months)"),
    ),
    Flag("pregnant", _("Are you pregnant?"), _("Pregnant")),
    Flag(
        "fever",
        _("Do you have a fever or an infection (such as flu) at the moment?"),
        _("Fever or infection now"),
    ),
    Flag(
        "skin_condition",
        _("Do you have a skin condition that can spread (such as ringworm, impetigo or shingles)?"),
        _("Contagious skin condition"),
    ),
    Flag(
        "high_blood_pressure",
        _("Do you have high blood pressure that is not under control?"),
        _("Uncontrolled high blood pressure"),
    ),
    Flag(
        "osteoporosis",
        _("Do you have osteoporosis (bones that break easily)?"),
        _("Osteoporosis"),
    ),
    Flag(
        "diabetes_numbness",
        _("Do you have diabetes with numbness in your feet or hands?"),
        _("Diabetes with numbness"),
    ),
    Flag(
        "recent_injury",
        _("Have you had an injury in the last 6 weeks (a sprain, strain, whiplash or bad bruise)?"),
        _("Recent injury (last 6 weeks)"),
    ),
]

RED_FLAGS = [
    Flag(
        "bladder_bowel",
        _(
            "Have you recently lost control of your bladder or bowels, or found it hard to "
            "pass urine?"
        ),
        _("Recent loss of bladder or bowel control"),
        urgent=True,
        plain=_("you have had trouble controlling your bladder or bowels"),
    ),
    Flag(
        "saddle_numbness",
        _("Is there numbness around your groin, genitals or buttocks (where you sit on a saddle)?"),
        _("Numbness around the groin or buttocks (saddle area)"),
        urgent=True,
        plain=_("you have numbness around your groin or buttocks"),
    ),
    Flag(
        "leg_weakness",
        _("Is one of your legs getting weaker (for example your foot drags or gives way)?"),
        _("Worsening weakness in a leg"),
        plain=_("one of your legs is getting weaker"),
    ),
    Flag(
        "weight_loss",
        _("Have you lost weight recently without trying?"),
        _("Unexplained weight loss"),
        plain=_("you have lost weight without trying"),
    ),
    Flag(
        "after_fall",
        _("Did your pain start after a fall, an accident or another injury?"),
        _("Pain started after a fall or accident"),
        plain=_("your pain started after a fall or an accident"),
    ),
]

FLAGS = {flag.code: flag for flag in [*CONTRAINDICATIONS, *RED_FLAGS]}
RED_FLAG_CODES = {flag.code for flag in RED_FLAGS}


def flags_from(answers: dict) -> list[str]:
    """The codes of every answer that needs review: contraindications, then red flags."""
    history = answers.get("history") or {}
    signs = answers.get("signs") or {}
    return [flag.code for flag in CONTRAINDICATIONS if history.get(flag.code) == YES] + [
        flag.code for flag in RED_FLAGS if signs.get(flag.code) == YES
    ]


def red_flags(codes) -> list[Flag]:
    return [FLAGS[code] for code in codes if code in RED_FLAG_CODES]


def contraindications(codes) -> list[Flag]:
    return [FLAGS[code] for code in codes if code in FLAGS and code not in RED_FLAG_CODES]


def label(choices, value) -> str:
    """The label of a stored choice value ("" when unanswered)."""
    return str(dict(choices).get(value, value or ""))
