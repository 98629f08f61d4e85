"""Demo treatment notes: signed SOAP notes with outcomes for the clients of past sessions,
one with aftercare (home care, articles, next visit), and one left unsigned so the 48-hour
list has a row. Every word here is invented. Idempotent: nothing is added once a note exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from articles.models import Article
from bookings.models import Booking

from .models import Outcome, TreatmentNote
from .notes import signer_name

NOTES = {
    "sciatica": {
        "subjective": "Ache in the left buttock, down the back of the thigh after sitting. "
        "Says it is a little better than last week; still stiff getting out of the car.",
        "objective": "Left piriformis tight and tender; trigger points in gluteus medius. "
        "Lumbar flexion limited by hamstring tension.",
        "techniques": ["deep_tissue", "trigger_point", "stretching"],
        "response": "Tolerated firm pressure; buttock ache eased by the end.",
        "assessment": "Soft-tissue irritation around the sciatic nerve, settling.",
        "plan": "Weekly for three more sessions, then review.",
    },
    "neck_shoulder": {
        "subjective": "Tight between the shoulder blades after long screen days; turning the "
        "head to the right is stiff in the morning.",
        "objective": "Trigger points in the right upper trapezius and levator scapulae; "
        "rotation to the right a little short of the left.",
        "techniques": ["myofascial_release", "trigger_point"],
        "response": "Rotation freer after treatment; no headache.",
        "assessment": "Postural overload of the upper trapezius, improving.",
        "plan": "Every two weeks; desk set-up advice given.",
    },
}
HOME_CARE = {
    "sciatica": "Get up and walk for two minutes every half hour. A gentle figure-four "
    "stretch for the buttock, 30 seconds each side, morning and evening. Heat for 15 "
    "minutes if it feels tight.",
    "neck_shoulder": "Every hour at the desk: roll your shoulders back five times and do "
    "five slow chin tucks. A warm shower on the shoulders in the evening.",
}
ACTIVITIES = {
    "sciatica": ["Sitting through a workday", "Getting out of the car"],
    "neck_shoulder": ["Turning my head to reverse the car", "Working at the computer"],
}


def seed_notes(*, now: datetime) -> int:
    """Notes for the completed sessions of the past two weeks. Returns how many."""
    if TreatmentNote.objects.exists():
        return 0
    past = (
        Booking.objects.filter(status=Booking.Status.COMPLETED, start__lt=now)
        .select_related("client", "service", "therapist__user")
        .order_by("start")
    )
    sessions = [b for b in past if b.therapist.user_id and b.start > now - timedelta(days=21)]
    visits: dict[int, int] = {}
    for booking in sessions[:-1]:
        number = visits[booking.client_id] = visits.get(booking.client_id, 0) + 1
        _note(booking, number, now=now, aftercare=booking is sessions[-2])
    if sessions:  # the latest stays a draft, for the list of unsigned notes
        last = sessions[-1]
        TreatmentNote.objects.create(
            booking=last,
            client=last.client,
            template=last.service.kind,
            subjective="Draft: to finish after the session.",
            author=last.therapist.user,
            created_at=last.end,
            updated_at=last.end,
        )
    return TreatmentNote.objects.count()


def _note(booking: Booking, number: int, *, now: datetime, aftercare: bool) -> None:
    kind = booking.service.kind if booking.service.kind in NOTES else "sciatica"
    user = booking.therapist.user
    note = TreatmentNote.objects.create(
        booking=booking,
        client=booking.client,
        template=kind,
        **NOTES[kind],
        home_care=HOME_CARE[kind] if aftercare else "",
        next_visit_weeks=1 if aftercare else None,
        author=user,
        created_at=booking.end,
        updated_at=booking.end,
        signed_at=booking.end + timedelta(hours=2),
        signed_by=user,
        signed_name=signer_name(user),
        aftercare_sent_at=None if aftercare else booking.end + timedelta(hours=20),
    )
    if aftercare:
        note.articles.set(
            Article.objects.published(now).filter(related_services=booking.service)[:2]
        )
    pain = max(0, 7 - number)
    for measure, value in [
        (Outcome.Measure.PAIN_BEFORE, {"score": pain}),
        (Outcome.Measure.PAIN_AFTER, {"score": max(0, pain - 2)}),
    ]:
        Outcome.objects.create(
            client=booking.client, booking=booking, measure=measure, value=value, at=booking.end
        )
    if number % 3 == 1:
        scores = [3 + number, 4 + number]
        activities = [
            {"name": name, "score": min(10, score)}
            for name, score in zip(ACTIVITIES[kind], scores, strict=True)
        ]
        Outcome.objects.create(
            client=booking.client,
            booking=booking,
            measure=Outcome.Measure.FUNCTION,
            value={"activities": activities},
            at=booking.end,
            by=user,
        )
