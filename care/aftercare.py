"""Aftercare: the morning after a completed session, one email from its signed note.

The email holds the therapist's home-care note (plain advice they wrote for the client, no
clinical detail), the chosen articles, "How do you feel today?" (a page whose buttons POST
0-10) and "Book your next session" prefilled with service, therapist and the suggested date.

`aftercare_send(now=...)` is idempotent and safe on several workers at once: each note is
claimed by one conditional UPDATE of `aftercare_sent_at` (only one worker's update finds it
still empty), in the transaction that sends (or, with the outbox, queues) its email.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import Article
from bookings import notifications
from bookings.models import Booking
from bookings.times import clinic_tz

from .links import mailbox_key
from .models import TreatmentNote

# The email goes out from this clinic time on the morning after the session.
SEND_FROM = time(8, 0)
# A session older than this gets no aftercare (a note signed late, a worker long stopped).
NO_LATER_THAN = timedelta(days=5)


def aftercare_path(booking: Booking, page: str = "aftercare") -> str:
    """The aftercare page (or its "aftercare_stop" action), with the mailbox key: whoever
    opens it has read the email."""
    path = reverse(f"care:{page}", args=[booking.token])
    return f"{path}?{urlencode({'k': mailbox_key(booking)})}"


def next_visit_date(note: TreatmentNote):
    if not note.next_visit_weeks:
        return None
    day = note.booking.start.astimezone(clinic_tz()).date()
    return day + timedelta(weeks=note.next_visit_weeks)


def book_next_path(note: TreatmentNote) -> str:
    """/book/<service>/?therapist=<slug>&date=YYYY-MM-DD: the picker on that week."""
    booking = note.booking
    params = {"therapist": booking.therapist.slug}
    day = next_visit_date(note)
    if day is not None:
        params["date"] = day.isoformat()
    return reverse("bookings:book_service", args=[booking.service.slug]) + "?" + urlencode(params)


def due(*, now: datetime):
    """Signed notes of completed sessions before today (clinic time) whose aftercare has not
    gone out; none before SEND_FROM. Cancelled and no-show sessions have none."""
    tz = clinic_tz()
    local = now.astimezone(tz)
    if local.time() < SEND_FROM:
        return TreatmentNote.objects.none()
    today = datetime.combine(local.date(), time.min, tzinfo=tz)
    return (
        TreatmentNote.objects.signed()
        .filter(
            aftercare_sent_at__isnull=True,
            booking__status=Booking.Status.COMPLETED,
            booking__start__lt=today,
            booking__start__gte=now - NO_LATER_THAN,
            client__aftercare_opt_out__isnull=True,
            client__erased_at__isnull=True,
        )
        .exclude(booking__email="")
        .select_related("booking__service", "booking__therapist", "client")
    )


def aftercare_send(*, now: datetime) -> int:
    """Email each due aftercare once; returns how many were sent."""
    sent = 0
    for note in due(now=now):
        with transaction.atomic():
            # The claim: one worker's update finds aftercare_sent_at still empty.
            claimed = TreatmentNote.objects.filter(
                pk=note.pk, aftercare_sent_at__isnull=True
            ).update(aftercare_sent_at=now)
            if not claimed:
                continue
            _email(note, now)
        sent += 1
    return sent


def _email(note: TreatmentNote, now: datetime) -> None:
    booking = note.booking
    articles = published_articles(note, now=now)
    for article in articles:
        article.url = settings.SITE_URL + article.get_absolute_url()
    notifications._send(
        "care/aftercare",
        _("After your session: how do you feel today?"),
        booking.email,
        {
            "booking": booking,
            "home_care": str(note.home_care),
            "articles": articles,
            "next_visit": next_visit_date(note),
            "feel_url": settings.SITE_URL + aftercare_path(booking),
            "book_url": settings.SITE_URL + book_next_path(note),
        },
    )


def published_articles(note: TreatmentNote, *, now: datetime) -> list[Article]:
    """The note's home-care articles the public may read now (one withdrawn since the note
    was signed is left out rather than linked to a missing page), by title."""
    return list(
        Article.objects.published(now).filter(pk__in=note.articles.values("pk")).order_by("title")
    )
