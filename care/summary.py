"""A submitted intake as the therapist reads it: flags first, then the rest, with labels.

Pure: stored answers in, plain values out (no ORM, `today` passed in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from . import questions as q


@dataclass(frozen=True)
class FlagLine:
    reason: str
    urgent: bool = False
    red_flag: bool = False


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def flag_lines(codes, answers: dict) -> list[FlagLine]:
    """Red flags (urgent ones first), then contraindications, as the therapist reads them."""
    lines = [
        FlagLine(str(flag.reason), urgent=flag.urgent, red_flag=True)
        for flag in sorted(q.red_flags(codes), key=lambda f: not f.urgent)
    ]
    trimester = (answers.get("history") or {}).get("trimester")
    for flag in q.contraindications(codes):
        reason = str(flag.reason)
        if flag.code == "pregnant" and trimester:
            reason += f" ({q.label(q.TRIMESTERS, trimester).split(' (')[0].lower()})"
        lines.append(FlagLine(reason))
    return lines


def intake_summary(answers: dict, codes, *, today: date) -> dict:
    about = answers.get("about") or {}
    pain = answers.get("pain") or {}
    history = answers.get("history") or {}
    prefs = answers.get("preferences") or {}
    consent = answers.get("consent") or {}
    born = _date(about.get("date_of_birth"))
    return {
        "flags": flag_lines(codes, answers),
        "born": born,
        "age": _age(born, today),
        "emergency_name": about.get("emergency_name", ""),
        "emergency_phone": about.get("emergency_phone", ""),
        "emergency_relation": about.get("emergency_relation", ""),
        "heard_about": q.label(q.HEARD, about.get("heard_about")),
        "regions": [q.label(q.REGIONS, r) for r in pain.get("regions") or []],
        "pain_now": pain.get("pain_now"),
        "worse": pain.get("worse", ""),
        "better": pain.get("better", ""),
        "since": q.label(q.SINCE, pain.get("since")),
        "answered_no": [str(f.reason) for f in q.CONTRAINDICATIONS if history.get(f.code) == q.NO],
        "conditions": history.get("conditions", ""),
        "medications": history.get("medications", ""),
        "pressure": q.label(q.PRESSURE, prefs.get("pressure")),
        "avoid_areas": prefs.get("avoid_areas", ""),
        "therapist_gender": q.label(q.THERAPIST_GENDER, prefs.get("therapist_gender")),
        "chaperone": _("Yes") if prefs.get("chaperone") else _("No"),
        "other_preferences": prefs.get("other", ""),
        "signed_name": consent.get("full_name", ""),
        "signed_on": _date(consent.get("signed_on")),
    }
