"""Treatment notes as a therapist writes them, and the sessions the notes tests share."""

from django.urls import reverse

from bookings.models import Booking
from tests.factories import local, make_booking

# Everything a test may look for where note text must never appear.
NOTE = {
    "subjective": "Burning down the left calf since the long drive to Bozeman",
    "objective": "Piriformis very tight on the left; straight-leg raise positive at 40",
    "techniques": ["deep_tissue", "trigger_point"],
    "response": "Tolerated firm pressure; calf tingling eased",
    "assessment": "Irritated sciatic nerve, improving slowly",
    "plan": "Weekly for three weeks, then review",
    "home_care": "Stand up and walk for two minutes every half hour.",
    "pain_after": "3",
    "next_visit_weeks": "1",
}
NOTE_SECRETS = [NOTE[k] for k in ["subjective", "objective", "response", "assessment", "plan"]]


def note_url(booking) -> str:
    return reverse("admin:care_treatmentnote_session", args=[booking.pk])


def post_note(client, booking, action="save", **changes):
    data = {**NOTE, **changes, "action": action}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(note_url(booking), data)


def completed_session(clinic, *, client=None, therapist=None, day="2026-12-04", at="10:00"):
    return make_booking(
        therapist=therapist or clinic.maren,
        service=clinic.sciatica,
        client=client or clinic.ruth,
        start=local(day, at),
        status=Booking.Status.COMPLETED,
    )
