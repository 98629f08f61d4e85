"""Demo health forms, so the back office shows every state: missing, a form being filled in,
received, needs review (a contraindication; a red flag), reviewed (cleared, cleared with
modifications, not suitable) and one over 12 months old. Every answer here is invented.

Idempotent: nothing is added once any health form exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import Group, Permission

from bookings.models import Booking

from . import questions as q
from .consent import FIRST_CONSENT_TEXT
from .models import ConsentText, Intake, IntakeReview

CARE_PERMISSIONS = {
    "Therapist": ["view_intake", "view_sessionintake"],
    "Front desk": ["view_sessionintake"],
}


def ensure_care_permissions() -> None:
    """Therapists may open health forms (visible_to decides which); both roles see states."""
    for name, codenames in CARE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="care", codename__in=codenames)
            )


def _answers(name: str, **changes) -> dict:
    """A complete, everything-is-fine form; `changes` maps "step.field" to a value."""
    answers = {
        "about": {
            "date_of_birth": "1971-05-14",
            "emergency_name": "Alex Brennan",
            "emergency_phone": "(406) 555-0110",
            "emergency_relation": "Partner",
            "heard_about": "friend",
        },
        "pain": {
            "regions": ["lower_back", "left_leg"],
            "pain_now": 5,
            "worse": "Sitting in the car for more than an hour.",
            "better": "Walking and a hot shower.",
            "since": "months",
        },
        "history": {
            **{flag.code: q.NO for flag in q.CONTRAINDICATIONS},
            "trimester": "",
            "conditions": "",
            "medications": "Ibuprofen now and then.",
        },
        "signs": {flag.code: q.NO for flag in q.RED_FLAGS},
        "preferences": {
            "pressure": "medium",
            "avoid_areas": "",
            "therapist_gender": "any",
            "chaperone": False,
            "other": "",
        },
        "consent": {"agree": True, "full_name": name, "signed_on": "", "consent_version": 1},
    }
    for key, value in changes.items():
        step, field = key.split(".")
        answers[step][field] = value
    return answers


# (state, changes to the answers, review outcome, review note)
DEMO_FORMS = [
    ("received", {"pain.regions": ["neck", "shoulders"], "pain.pain_now": 3}, None, ""),
    (
        "needs_review",
        {"history.blood_thinners": q.YES, "history.medications": "Apixaban 5 mg twice a day."},
        None,
        "",
    ),
    (
        "needs_review",
        {
            "signs.leg_weakness": q.YES,
            "pain.pain_now": 7,
            "pain.regions": ["lower_back", "right_leg"],
        },
        None,
        "",
    ),
    (
        "reviewed",
        {"history.pregnant": q.YES, "history.trimester": "2", "preferences.pressure": "light"},
        IntakeReview.Outcome.CLEARED,
        "",
    ),
    (
        "reviewed",
        {"history.osteoporosis": q.YES, "about.date_of_birth": "1949-10-02"},
        IntakeReview.Outcome.MODIFIED,
        "Light pressure only over the spine and ribs; no deep tissue or percussion on the back.",
    ),
    ("reviewed", {"history.fever": q.YES}, IntakeReview.Outcome.NOT_SUITABLE, ""),
]


def seed_care(*, now: datetime) -> int:
    """Health forms for the clients of the next confirmed sessions. Returns how many."""
    ensure_care_permissions()
    if not ConsentText.objects.exists():
        ConsentText.objects.create(text=FIRST_CONSENT_TEXT)
    from .demo_notes import seed_notes

    seed_notes(now=now)  # treatment notes, outcomes and an aftercare example
    if Intake.objects.exists():
        return 0
    consent = ConsentText.current()
    people: dict[int, Booking] = {}
    upcoming = Booking.objects.filter(status=Booking.Status.CONFIRMED, start__gt=now)
    for booking in upcoming.select_related("client", "therapist__user").order_by("start"):
        people.setdefault(booking.client_id, booking)
    sessions = list(people.values())
    for index, (spec, booking) in enumerate(zip(DEMO_FORMS, sessions, strict=False)):
        _submitted(booking, spec, consent=consent, at=now - timedelta(days=3 + index))
    rest = sessions[len(DEMO_FORMS) :]
    if rest:  # one client has started their form: two steps saved
        draft = _answers(rest[0].client.name)
        Intake.objects.create(
            client=rest[0].client,
            booking=rest[0],
            answers={"about": draft["about"], "pain": draft["pain"]},
            steps_saved=2,
        )
    if len(rest) > 1:  # and one filled it in more than a year ago
        _submitted(
            rest[1], ("received", {}, None, ""), consent=consent, at=now - timedelta(days=400)
        )
    return Intake.objects.count()


def _submitted(booking: Booking, spec, *, consent: ConsentText, at: datetime) -> Intake:
    _state, changes, outcome, note = spec
    answers = _answers(booking.client.name, **changes)
    answers["consent"]["signed_on"] = at.date().isoformat()
    flags = q.flags_from(answers)
    intake = Intake.objects.create(
        client=booking.client,
        booking=booking,
        status=Intake.Status.SUBMITTED,
        answers=answers,
        flags=flags,
        flagged=bool(flags),
        steps_saved=len(q.STEPS),
        consent=consent,
        submitted_at=at,
    )
    if outcome:
        IntakeReview.objects.create(
            intake=intake,
            booking=booking,
            outcome=outcome,
            note=note,
            by=booking.therapist.user,
            at=at + timedelta(hours=20),
        )
    return intake
