"""Reusable filters for the booking models, and who may see which rows.

Row-level access is defined here once, as `visible_to(user)` QuerySet methods in the style of
`Article.objects.visible_to(user)`: the owner (superuser) and the front desk see every row; a
therapist sees only their own profile, schedule and bookings, and the clients they have had a
booking with; anyone else sees nothing. Every ModelAdmin, admin page, export and agenda
filters through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Avg, Count, Max, Q

if TYPE_CHECKING:
    from .models import Therapist

THERAPIST_GROUP = "Therapist"
FRONT_DESK_GROUP = "Front desk"
# Longer than any booking's session with its cleanup (see BookingQuerySet.overlapping).
LONGEST_BOOKING = timedelta(days=1)


@dataclass(frozen=True)
class StaffScope:
    """The rows a staff user may see: everything, or one therapist's (None: nothing)."""

    everything: bool
    therapist: Therapist | None = None

    def allows(self, therapist_id: int | None) -> bool:
        return self.everything or (self.therapist is not None and therapist_id == self.therapist.pk)


def staff_scope(user) -> StaffScope:
    """The owner and the front desk see everything; anyone else only their own therapist rows.

    Cached on the user object, which lives for one request: one query for the groups and one
    for the therapist profile, however often a page asks.
    """
    cached = getattr(user, "_clinic_scope", None)
    if cached is not None:
        return cached
    if not user.is_active or not user.is_staff:
        scope = StaffScope(everything=False)
    elif user.is_superuser or user.groups.filter(name=FRONT_DESK_GROUP).exists():
        scope = StaffScope(everything=True)
    else:
        try:
            therapist = user.therapist
        except ObjectDoesNotExist:
            therapist = None
        scope = StaffScope(everything=False, therapist=therapist)
    user._clinic_scope = scope
    return scope


def _visible(queryset, user, own):
    """`queryset` as `user` may see it: every row, none, or a therapist's `own(therapist)`."""
    scope = staff_scope(user)
    if scope.everything:
        return queryset
    if scope.therapist is None:
        return queryset.none()
    return own(scope.therapist)


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class TherapistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def offering(self, service):
        return self.active().filter(services=service)

    def with_ratings(self):
        """Each therapist's published reviews as `review_count` and `review_average`."""
        published = Q(reviews__status="published")
        return self.annotate(
            review_count=Count("reviews", filter=published),
            review_average=Avg("reviews__rating", filter=published),
        )

    def visible_to(self, user):
        """Every therapist for the front desk and the owner; a therapist only themselves."""
        return _visible(self, user, lambda therapist: self.filter(pk=therapist.pk))


class RoomQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class PeriodQuerySet(models.QuerySet):
    """Time off and closures."""

    def overlapping(self, start: datetime, end: datetime):
        """Periods that meet [start, end)."""
        return self.filter(start__lt=end, end__gt=start)


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=self.model.Status.CANCELLED)

    def for_therapist(self, therapist):
        return self.filter(therapist=therapist)

    def overlapping(self, start: datetime, end: datetime, *, cleanup: bool = True):
        """Bookings whose time meets [start, end): session plus cleanup, or the session only."""
        # The lower bound on start lets the (therapist, start) and (room, start) indexes skip
        # every older booking: nothing booked runs anywhere near a day (services last at most
        # four hours, with two hours of cleanup).
        earliest = start - LONGEST_BOOKING
        if cleanup:
            return self.filter(start__lt=end, start__gt=earliest, blocked_until__gt=start)
        return self.filter(start__lt=end, start__gt=earliest, end__gt=start)

    def upcoming(self, now: datetime):
        return self.filter(start__gte=now)

    def visible_to(self, user):
        """Every booking for the front desk and the owner; a therapist only their own."""
        return _visible(self, user, lambda therapist: self.filter(therapist=therapist))


class ClientQuerySet(models.QuerySet):
    def _bookings(self):
        return self.model._meta.get_field("bookings").related_model.objects

    def visible_to(self, user):
        """A therapist sees the clients they have had a booking with (any status), nobody else."""

        def own(therapist):
            bookings = self._bookings().filter(therapist=therapist)
            return self.filter(pk__in=bookings.values("client_id"))

        return _visible(self, user, own)

    def with_sessions(self, user):
        """Annotate each client's sessions (not cancelled) as `user` may see them: a therapist
        counts only their own. Ordered explicitly: default ordering is dropped from GROUP BY
        queries, and the admin's autocomplete pages through this queryset."""
        sessions = ~Q(bookings__status=self._bookings().model.Status.CANCELLED)
        scope = staff_scope(user)
        if not scope.everything and scope.therapist is not None:
            sessions &= Q(bookings__therapist=scope.therapist)
        return self.annotate(
            session_total=Count("bookings", filter=sessions),
            latest_start=Max("bookings__start", filter=sessions),
        ).order_by("name", "pk")
