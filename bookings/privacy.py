"""Privacy on request: everything the clinic holds about the people under one contact email,
as a download, and their erasure once the owner approves it.

Other apps add their own data with `register(PrivacySection(...))` from their
`AppConfig.ready()`: the clinical record (`care/`) will add intake and treatment notes there.
A section exports each person's rows and erases them inside the erasure's transaction; this
module handles the people themselves (`Client` rows), the back office's log of them,
sign-in links and the requests. The bookings' own section is registered at the bottom.

Neither export nor erasure is a staff tool: a client exports from "My bookings" after
signing in with the emailed link, and only the owner (a superuser) erases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import notifications
from .models import Booking, BookingChange, Client, ErasureRequest, SignInLink, normal_email
from .times import clinic_tz


@dataclass(frozen=True)
class PrivacySection:
    """One app's part of a person's data.

    `export(people)` returns JSON-ready data per client id (datetimes and decimals are
    fine); `erase(people=..., by=..., now=...)` anonymises those people's rows and returns how
    many rows it changed; `template` shows one person's data (as `data`) on the printable page
    (by default as a plain list of names and values).
    """

    key: str
    title: Promise
    export: Callable[[list[Client]], dict[int, Any]]
    erase: Callable[..., int]
    template: str = "bookings/privacy/_section.html"


_SECTIONS: dict[str, PrivacySection] = {}


def register(section: PrivacySection) -> None:
    _SECTIONS[section.key] = section


def sections() -> list[PrivacySection]:
    return list(_SECTIONS.values())


class ErasureRefused(Exception):
    """The request was decided already."""


# What the export calls each field of a client, and the fields it leaves out (and why). A
# test holds that every field of the model is in one of the two.
CLIENT_EXPORT = {
    "name": "name",
    "email": "contact_email",
    "phone": "phone",
    "staff_notes": "staff_notes",
    "created_at": "first_booked",
}
CLIENT_NOT_EXPORTED = {"id": "internal number", "erased_at": "always empty for people exported"}


def people_under(email: str):
    """The people (not erased) whose contact email is `email`; nobody for an empty address."""
    email = normal_email(email)
    if not email:
        return Client.objects.none()
    return Client.objects.filter(email=email, erased_at__isnull=True).order_by("name", "pk")


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(clinic_tz()) if moment else None


def _person(client: Client) -> dict:
    data = {key: getattr(client, field) for field, key in CLIENT_EXPORT.items()}
    data["first_booked"] = local(client.created_at)
    return data


def _requests(email: str) -> dict:
    links = SignInLink.objects.filter(email=email).order_by("created_at")
    erasures = ErasureRequest.objects.filter(email=email).order_by("requested_at")
    return {
        "sign_in_links": [
            {
                "requested": local(link.created_at),
                "expires": local(link.expires_at),
                "used": local(link.used_at),
            }
            for link in links
        ],
        "erasure_requests": [
            {"requested": local(r.requested_at), "status": r.get_status_display()} for r in erasures
        ],
    }


def privacy_export(*, email: str, now: datetime) -> dict:
    """Everything held about the people under `email`, and nothing about anyone else: each
    person's record, each section's data (bookings with their history, ...), and the
    address's sign-in links and erasure requests. Staff appear only as a role."""
    email = normal_email(email)
    people = list(people_under(email))
    contributed = {section.key: section.export(people) for section in sections()}
    return {
        "clinic": settings.CLINIC["name"],
        "exported_at": local(now),
        "time_zone": str(clinic_tz()),
        "contact_email": email,
        "people": [
            {**_person(person), **{key: data.get(person.pk) for key, data in contributed.items()}}
            for person in people
        ],
        "requests": _requests(email) if email else {},
    }


def erasure_request_create(*, email: str, now: datetime) -> ErasureRequest:
    """Ask the owner to erase the people under `email`. One request waits per address: asking
    again returns the waiting one. The clinic is told (by email, without the address)."""
    email = normal_email(email)
    if not email:
        raise ValueError("an erasure request needs an address")
    waiting = ErasureRequest.objects.filter(email=email, status=ErasureRequest.Status.PENDING)
    with transaction.atomic():
        existing = waiting.first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                erasure = ErasureRequest.objects.create(email=email, requested_at=now)
        except IntegrityError:  # the same request twice at once: the other one made it
            return waiting.get()
        notifications.erasure_requested(erasure)  # into the outbox with the request
    return erasure


def _decide(erasure: ErasureRequest, by: AbstractBaseUser) -> ErasureRequest:
    """The request's row, locked until commit; only the owner decides, and only once."""
    if not (by.is_active and by.is_superuser):
        raise PermissionDenied
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if erasure.status != ErasureRequest.Status.PENDING:
        raise ErasureRefused
    return erasure


def erasure_decline(*, erasure: ErasureRequest, by: AbstractBaseUser, now: datetime) -> None:
    """The owner declines the request (e.g. the records must be kept): nothing is erased."""
    with transaction.atomic():
        erasure = _decide(erasure, by)
        erasure.status = ErasureRequest.Status.DECLINED
        erasure.decided_by, erasure.decided_at = by, now
        erasure.save()


def privacy_erase(
    *, erasure: ErasureRequest, by: AbstractBaseUser, now: datetime
) -> ErasureRequest:
    """Erase the personal data of every person under the request's address (owner only).

    In one transaction: each section erases its rows (bookings: the attendee's name, email
    and phone, the notes and cancellation reasons, and history text that quoted them; the
    rows stay, with their times, services, prices and statuses, for the clinic's books, and
    each gets a history row by the clinic naming the owner); then each person's name, email,
    phone and staff notes are replaced and `erased_at` set, the back office's log forgets
    their names and the address's sign-in links are deleted. The request records who
    decided, when and how many, and forgets the address. PermissionDenied unless `by` is a
    superuser; ErasureRefused when the request was decided already.
    """
    with transaction.atomic():
        erasure = _decide(erasure, by)
        people = list(people_under(erasure.email).select_for_update())
        changed = {s.key: s.erase(people=people, by=by, now=now) for s in sections()}
        ids = [person.pk for person in people]
        Client.objects.filter(pk__in=ids).update(
            name=_("Erased client"), email="", phone="", staff_notes="", erased_at=now
        )
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Client),
            object_id__in=[str(pk) for pk in ids],
        ).update(object_repr=_("Erased client"))
        SignInLink.objects.filter(email=erasure.email).delete()
        erasure.status = ErasureRequest.Status.ERASED
        erasure.decided_by, erasure.decided_at = by, now
        erasure.email = ""
        erasure.people_erased = len(people)
        erasure.bookings_anonymised = changed.get("bookings", 0)
        erasure.save()
    return erasure


# --- The bookings' section ---------------------------------------------------------------

BOOKING_NOT_EXPORTED = {
    "id": "internal number",
    "client": "the export is grouped by person",
    "token": "the private link's secret (the link itself is on My bookings)",  # nosec B105
    "form_key": "the booking form's double-submit key",
    "sequence": "the calendar file's revision number",
    "blocked_until": "the therapist's cleanup time after the session",
}


def _booking(booking: Booking, history: list[BookingChange]) -> dict:
    return {
        "reference": booking.reference,
        "status": booking.get_status_display(),
        "service": booking.service.name,
        "minutes": booking.minutes,
        "therapist": booking.therapist.name,
        "room": booking.room.name if booking.room else "",
        "care_plan": str(booking.series) if booking.series else "",
        "start": local(booking.start),
        "end": local(booking.end),
        "price": booking.price,
        "attendee_name": booking.name,
        "contact_email": booking.email,
        "phone": booking.phone,
        "notes": booking.notes,
        "source": booking.get_source_display(),
        "booked_at": local(booking.created_at),
        "updated_at": local(booking.updated_at),
        "cancelled_at": local(booking.cancelled_at),
        "cancel_reason": booking.cancel_reason,
        "reminded_at": local(booking.reminded_at),
        # Staff appear as a role only: no names or logins of the clinic's users.
        "history": [
            {"at": local(c.at), "by": c.get_actor_display(), "action": c.action} for c in history
        ],
    }


def export_bookings(people: list[Client]) -> dict[int, list[dict]]:
    """Each person's bookings, oldest first, with their history (three queries)."""
    bookings = (
        Booking.objects.filter(client__in=people)
        .select_related("service", "therapist", "room", "series")
        .prefetch_related("changes")
        .order_by("start", "pk")
    )
    found: dict[int, list[dict]] = {person.pk: [] for person in people}
    for booking in bookings:
        found[booking.client_id].append(_booking(booking, list(booking.changes.all())))
    return found


# History text kept as it was on erasure: what the services write that quotes nobody. Text
# that quotes a note or a reason keeps its verb; anything else (or in another language) is
# replaced whole. Fail-safe: an unknown wording loses its detail, never keeps personal data.
KEPT_ACTIONS = [
    re.compile(pattern)
    for pattern in (
        r"Booked( online)?",
        r"Moved (online )?from .+ to .+",
        r"Marked [\w -]+",
        r"Cancelled( online)?",
        r"Added notes",
        r"Confirmation resent.*",
    )
]
QUOTING_ACTIONS = [
    (re.compile(r"Cancelled.*", re.DOTALL), gettext_lazy("Cancelled (reason erased)")),
    (re.compile(r"Changed the notes.*", re.DOTALL), gettext_lazy("Changed the notes (erased)")),
]


def erased_action(action: str, personal: set[str]) -> str:
    """A history line with no personal data left in it."""
    kept = any(pattern.fullmatch(action) for pattern in KEPT_ACTIONS)
    lowered = action.lower()
    if kept and not any(value in lowered for value in personal):
        return action
    for pattern, replacement in QUOTING_ACTIONS:
        if pattern.fullmatch(action):
            return str(replacement)
    return _("Details erased on the client's request")


def _personal_values(people: list[Client], bookings) -> set[str]:
    values = set()
    for person in people:
        values |= {person.name, person.email, person.phone, person.staff_notes}
    for row in bookings.values_list("name", "email", "phone", "notes", "cancel_reason"):
        values |= set(row)
    return {value.lower() for value in values if len(value) >= 3}


def erase_bookings(*, people: list[Client], by: AbstractBaseUser, now: datetime) -> int:
    """Blank each booking's personal fields and history text; keep times, services, prices
    and statuses; add a history row by the clinic naming the owner. Returns the bookings."""
    bookings = Booking.objects.filter(client__in=people)
    ids = list(bookings.values_list("pk", flat=True))
    personal = _personal_values(people, bookings)
    for change in BookingChange.objects.filter(booking_id__in=ids):
        action = erased_action(change.action, personal)
        if action != change.action:
            BookingChange.objects.filter(pk=change.pk).update(action=action)
    bookings.update(name="", email="", phone="", notes="", cancel_reason="", updated_at=now)
    BookingChange.objects.bulk_create(
        BookingChange(
            booking_id=pk,
            actor=BookingChange.Actor.CLINIC,
            user=by,
            at=now,
            action=_("Personal details erased on the client's request"),
        )
        for pk in ids
    )
    return len(ids)


register(
    PrivacySection(
        key="bookings",
        title=gettext_lazy("Bookings"),
        export=export_bookings,
        erase=erase_bookings,
        template="bookings/privacy/_bookings.html",
    )
)
