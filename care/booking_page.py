"""What a booking's own page shows of the clinical record, read in the booking's one query.

The booking's page (bookings/booking_page.py) reads the booking, its service and therapist,
its email status and the policy in one query; `ANNOTATIONS` add what care's two boxes on it
need, so that the page costs one round trip to the database, not three:

- the health form, as far as this booking's link may see it (`services._seen_through`): the
  newest form the booking's person submitted through it, whether it was flagged and the
  latest review of it (one subquery, its values as one JSON object: on PostgreSQL each
  subquery costs the page about as much as a tenth of its query), and whether a draft was
  started through the booking;
- the pain the client gave before the session (an encrypted value, decrypted as read).

`boxes` turns those values into what the boxes' templates show, with the same rules as the
client's other pages (`services.client_form_state`, `client_views.pain_open`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Exists, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from clinic.compiled import fields_of, instance

from .models import Intake, IntakeReview, Outcome
from .services import SCORES, client_form_state, pain_open


def _newest_submitted(booking_ref, client_ref):
    return Intake.objects.filter(
        booking=booking_ref, client=client_ref, status=Intake.Status.SUBMITTED
    ).order_by("-submitted_at", "-pk")


def _annotations() -> dict:
    newest = _newest_submitted(OuterRef("pk"), OuterRef("client_id"))
    latest_review = (
        IntakeReview.objects.filter(intake=OuterRef("pk")).order_by("-at", "-pk").values("outcome")
    )
    return {
        "care_form": Subquery(
            newest.values(
                form=JSONObject(
                    id="pk",
                    submitted_at="submitted_at",
                    flagged="flagged",
                    review=Subquery(latest_review[:1]),
                )
            )[:1],
            output_field=JSONField(),
        ),
        "care_draft": Exists(
            Intake.objects.filter(booking=OuterRef("pk"), status=Intake.Status.DRAFT)
        ),
        "care_pain_before": Subquery(
            # One per session and measure: no order (the model's would join the booking).
            Outcome.objects.filter(booking=OuterRef("pk"), measure=Outcome.Measure.PAIN_BEFORE)
            .order_by()
            .values("value")[:1]
        ),
    }


# What the boxes read of the newest submission, in the model's order (as `instance` wants).
NEWEST_FIELDS = fields_of(Intake, {"id", "submitted_at", "flagged"})
# Their names, in the order their values come in a row (after the page's own annotations).
ANNOTATIONS = tuple(_annotations())


def _newest_value(form: dict, name: str):
    """A value of the newest form from its JSON, through the field's own conversion (a time
    from its text, the flag from true/false or SQLite's 1/0). SQLite writes times in UTC
    without an offset."""
    value = Intake._meta.get_field(name).to_python(form[name])
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def annotations() -> dict:
    """The expressions, over the booking's row, for `Booking.objects.annotate`."""
    return _annotations()


def boxes(booking, values, *, now) -> dict:
    """The two boxes' contexts from the values of `ANNOTATIONS`: `health` (a HealthForm)
    and `pain` (open, given, scores, url)."""
    from clinic.fragments import token_url

    form, has_draft, pain_before = values
    newest = review = None
    if form is not None:
        review = form["review"]
        newest = instance(Intake, NEWEST_FIELDS, [_newest_value(form, f) for f in NEWEST_FIELDS])
    draft = Intake(booking_id=booking.pk, status=Intake.Status.DRAFT) if has_draft else None
    health = client_form_state(booking, newest=newest, draft=draft, review=lambda form: review)
    is_open = pain_open(booking, now)
    given = None
    if is_open and pain_before is not None:
        given = Outcome(
            booking_id=booking.pk, measure=Outcome.Measure.PAIN_BEFORE, value=pain_before
        )
    pain = {
        "open": is_open,
        "given": given,
        "scores": SCORES,
        "url": token_url("care:pain", booking.token),
    }
    return {"health": health, "pain": pain}
