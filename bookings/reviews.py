"""Verified reviews: the request email after a completed session, the review left through its
private link, and the owner's moderation.

A review exists only for a completed session, once: it is written through that session's
request token, the service checks the session under a lock, and the database holds one review
per booking. Nothing is published until the owner publishes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.cache import bump_content_version

from .models import Booking, Client, Review, ReviewOptOut, ReviewRequest, normal_email
from .notifications import _send
from .privacy import PrivacySection, register
from .times import client_when

ASK_AFTER = timedelta(days=3)  # a few days after the session, once the soreness has settled
ASK_WITHIN = timedelta(days=14)  # older sessions are not asked about
ASK_EVERY = timedelta(days=90)  # at most one request per client in this time
LINK_DAYS = 60  # a request's link takes a review for this long


class ReviewRefused(Exception):
    """Why a review cannot be left; `message` is shown to the client as it is."""

    MESSAGES = {
        "not_completed": gettext_lazy(
            "This session is not marked as completed, so it cannot be reviewed. If you did "
            "attend, please call us and we will put it right."
        ),
        "already": gettext_lazy("This session has been reviewed already. Thank you!"),
        "expired": gettext_lazy(
            "This review link has expired. Thank you for thinking of us all the same."
        ),
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(code)


def display_name(name: str) -> str:
    """'Ruth Andersen' -> 'Ruth A.': what the website shows of a reviewer."""
    parts = name.split()
    if not parts:
        return _("A client")
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0].upper()}."


def review_url(request: ReviewRequest) -> str:
    return settings.SITE_URL + reverse("bookings:review", args=[request.token])


def unsubscribe_url(request: ReviewRequest) -> str:
    return settings.SITE_URL + reverse("bookings:review_unsubscribe", args=[request.token])


def _due(now: datetime):
    """Completed sessions to ask about: the latest per client, who has not been asked lately."""
    opted_out = ReviewOptOut.objects.values("email")
    return (
        Booking.objects.filter(
            status=Booking.Status.COMPLETED,
            end__lte=now - ASK_AFTER,
            end__gt=now - ASK_AFTER - ASK_WITHIN,
            review_request__isnull=True,
            client__erased_at__isnull=True,
        )
        .exclude(email="")
        .alias(address=Lower("email"))
        .exclude(address__in=opted_out)
        .exclude(client__review_requests__sent_at__gt=now - ASK_EVERY)
        .order_by("client_id", "-end")
        .values_list("client_id", "pk")
    )


def _claim(client_id: int, booking_id: int, now: datetime) -> ReviewRequest | None:
    """The request for one client's session, or None when another run asked them already."""
    with transaction.atomic():
        # The client's row lock makes two runs at once take turns per client; the second
        # then sees the first's request below and asks nothing.
        Client.objects.select_for_update().filter(pk=client_id).first()
        recent = ReviewRequest.objects.filter(client_id=client_id, sent_at__gt=now - ASK_EVERY)
        if recent.exists() or ReviewRequest.objects.filter(booking_id=booking_id).exists():
            return None
        request = ReviewRequest.objects.create(
            booking_id=booking_id, client_id=client_id, sent_at=now
        )
        # Written to the outbox with the claim: the email exists if and only if the claim does.
        review_request_email(request)
    return request


def reviews_request_send(*, now: datetime) -> int:
    """Ask each client about their latest completed session, a few days after it.

    Once per client in ASK_EVERY, never an address that opted out, never a session twice.
    Idempotent and safe to run on several servers at once: each request is claimed under the
    client's row lock, its email written to the outbox in the same transaction (a worker
    sends it after commit). Returns how many were asked.
    """
    sent = 0
    seen = set()
    for client_id, booking_id in _due(now):
        if client_id in seen:
            continue  # the client's latest session comes first
        seen.add(client_id)
        sent += _claim(client_id, booking_id, now) is not None
    return sent


def review_request_email(request: ReviewRequest) -> None:
    booking = (
        Booking.objects.select_related("service", "therapist").filter(pk=request.booking_id).first()
    )
    if booking is None or not booking.email:
        return
    _send(
        "review_request",
        _("How was your session with %(name)s?") % {"name": booking.therapist.first_name},
        booking.email,
        {
            "booking": booking,
            "when": client_when(booking.start),
            "review_url": review_url(request),
            "unsubscribe_url": unsubscribe_url(request),
            "link_days": LINK_DAYS,
        },
    )


def review_refusal(request: ReviewRequest, *, now: datetime) -> ReviewRefused | None:
    """Why this request's link cannot take a review now, or None when it can."""
    if Review.objects.filter(booking_id=request.booking_id).exists():
        return ReviewRefused("already")
    if request.booking.status != Booking.Status.COMPLETED:
        return ReviewRefused("not_completed")
    if now - request.sent_at > timedelta(days=LINK_DAYS):
        return ReviewRefused("expired")
    return None


def review_create(*, request: ReviewRequest, rating: int, comment: str, now: datetime) -> Review:
    """Record the client's review of the request's session, waiting for the owner.

    Raises ReviewRefused unless the session is completed and has no review yet; checked under
    the booking's row lock, and a second review of one booking is refused by the database.
    """
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=request.booking_id)
        request.booking = booking
        refusal = review_refusal(request, now=now)
        if refusal is not None:
            raise refusal
        review = Review(
            request=request,
            booking=booking,
            therapist_id=booking.therapist_id,
            rating=rating,
            comment=comment.strip(),
            display_name=display_name(booking.name or booking.client.name),
            created_at=now,
        )
        review.full_clean(exclude=["request", "booking"])
        review.save()
    return review


def reviews_unsubscribe(*, request: ReviewRequest) -> None:
    """No more review requests to the address this request went to."""
    email = normal_email(request.booking.email)
    if email:
        ReviewOptOut.objects.get_or_create(email=email)


def reviews_set_status(*, reviews, status: str, now: datetime) -> int:
    """Publish or hide reviews (the owner); returns how many changed. The pages that show
    reviews, their count and their average are refreshed at once."""
    changed = reviews.exclude(status=status)
    with transaction.atomic():
        if status == Review.Status.PUBLISHED:
            count = changed.filter(published_at__isnull=True).update(
                status=status, published_at=now
            ) + changed.filter(published_at__isnull=False).update(status=status)
        else:
            count = changed.update(status=status)
        if count:
            bump_content_version()  # updates send no post_save
    return count


def export_reviews(people: list[Client]) -> dict[int, list[dict]]:
    """Each person's reviews, as they wrote them and as the website shows them."""
    data: dict[int, list[dict]] = {}
    reviews = Review.objects.filter(booking__client__in=people).select_related("booking")
    for review in reviews.order_by("created_at"):
        data.setdefault(review.booking.client_id, []).append(
            {
                _("session"): review.booking.reference,
                _("written"): review.created_at,
                _("rating"): review.rating,
                _("comment"): review.comment,
                _("shown as"): review.display_name,
                _("status"): review.get_status_display(),
                _("reply from the clinic"): review.reply,
            }
        )
    return data


def erase_reviews(*, people: list[Client], by, now: datetime) -> int:
    """Take each person's reviews off the website for good and blank what they wrote, their
    name and the reply; the rating stays, hidden, in the clinic's own records."""
    reviews = Review.objects.filter(booking__client__in=people)
    count = reviews.update(comment="", display_name="", reply="", status=Review.Status.HIDDEN)
    if count:
        bump_content_version()
    return count


register(
    PrivacySection(
        key="reviews",
        title=gettext_lazy("Reviews"),
        export=export_reviews,
        erase=erase_reviews,
    )
)
