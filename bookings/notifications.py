"""Emails and calendar files about bookings.

Called inside the booking change's transaction: each email is rendered and written to the
outbox (bookings/outbox.py) with the change, and a worker sends it after commit, so a
rolled-back change never sends mail and no request waits on a mail server.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from . import outbox
from .models import Booking, BookingPolicy, Therapist
from .times import client_when, clinic_tz, subject_when


def clinic_address() -> str:
    clinic = settings.CLINIC
    return (
        f"{clinic['name']}, {clinic['street']}, "
        f"{clinic['city']}, {clinic['region']} {clinic['postal_code']}"
    )


def manage_url(booking: Booking) -> str:
    return settings.SITE_URL + booking.manage_path()


def calendar_file(booking: Booking, *, now: datetime | None = None) -> bytes:
    """An RFC 5545 calendar for one booking: stable UID, rising SEQUENCE, CANCEL when cancelled."""
    cancelled = booking.status == Booking.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Rimrock Massage & Bodywork//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add("x-wr-timezone", str(clinic_tz()))
    calendar.add_component(booking_event(booking, now=now))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def booking_event(
    booking: Booking, *, now: datetime | None = None, for_therapist: bool = False
) -> Event:
    tz = clinic_tz()
    cancelled = booking.status == Booking.Status.CANCELLED
    event = Event()
    event.add("uid", f"booking-{booking.reference}@{settings.SITE_URL.split('://')[-1]}")
    event.add("sequence", booking.sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(UTC))
    event.add("dtstart", booking.start.astimezone(tz))
    event.add("dtend", booking.end.astimezone(tz))
    if for_therapist:
        summary = f"{booking.client.name}: {booking.service}"
    else:
        summary = _("%(service)s with %(therapist)s") % {
            "service": booking.service,
            "therapist": booking.therapist.name,
        }
    event.add("summary", summary)
    event.add("location", clinic_address())
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.CLINIC['email']}")
    organizer.params["cn"] = vText(settings.CLINIC["name"])
    event.add("organizer", organizer)
    if for_therapist:
        event.add("description", _("Reference %(ref)s") % {"ref": booking.reference})
    else:
        event.add(
            "description",
            _("Reference %(ref)s. To cancel or reschedule: %(url)s")
            % {"ref": booking.reference, "url": manage_url(booking)},
        )
        event.add("url", manage_url(booking))
    return event


def series_calendar_file(sessions: list[Booking], *, now: datetime | None = None) -> bytes:
    """One calendar holding every session of a care plan, each with its own UID."""
    calendar = Calendar()
    calendar.add("prodid", "-//Rimrock Massage & Bodywork//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", str(clinic_tz()))
    for booking in sessions:
        calendar.add_component(booking_event(booking, now=now))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def series_created(series) -> None:
    """One email for a whole care plan (and one to the therapist), not one per session."""
    sessions = list(series.bookings.select_related("service", "therapist").order_by("start"))
    first = sessions[0]
    for booking in sessions:
        booking.manage_url = manage_url(booking)
    context = {"series": series, "sessions": sessions, "first": first}
    if first.emailable:
        subject = _("Care plan booked: %(count)d sessions of %(service)s from %(when)s") % {
            "count": len(sessions),
            "service": first.service.name,
            "when": _when(first),
        }
        _send("client_series", subject, first.email, context, ics=series_calendar_file(sessions))
    for booking in sessions:
        _therapist(
            booking,
            "new",
            _("New booking: %(when)s, %(service)s")
            % {"service": booking.service, "when": _when(booking)},
        )


def google_calendar_url(booking: Booking) -> str:
    """A link that opens Google Calendar's "new event" form filled in with the session: what
    `urlencode` writes for action, text, dates, details, location and ctz, in that order."""
    text = _("%(service)s with %(therapist)s") % {
        "service": booking.service,
        "therapist": booking.therapist.name,
    }
    # No private link here: this URL is sent to Google.
    details = _(
        "Reference %(ref)s. To cancel or move it, use the link in your confirmation email."
    ) % {"ref": booking.reference}
    # The dates are digits and letters around a slash: `quote_plus` would write only the slash.
    start, end = booking.start.astimezone(UTC), booking.end.astimezone(UTC)
    dates = f"{start:{_GOOGLE_TIME}}%2F{end:{_GOOGLE_TIME}}"
    return (
        f"{GOOGLE_CALENDAR}?action=TEMPLATE&text={quote_plus(text)}&dates={dates}"
        f"&details={quote_plus(details)}&{_google_place(clinic_address(), clinic_tz())}"
    )


GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
_GOOGLE_TIME = "%Y%m%dT%H%M%SZ"


@functools.lru_cache(maxsize=8)
def _google_place(address: str, zone) -> str:
    """The link's last parameters, the same for every booking: written once."""
    return urlencode({"location": address, "ctz": str(zone)})


# Emails that carry a secret link (signing in, reviewing a session): their text is hidden in
# the admin and erased once sent.
PRIVATE_TEMPLATES = {"my_sign_in", "review_request"}


def _send(template: str, subject: str, to: str, context: dict, *, ics: bytes | None = None) -> None:
    context = {
        "clinic": settings.CLINIC,
        "clinic_address": clinic_address(),
        "site_url": settings.SITE_URL,
        "admin_url": settings.ADMIN_URL,
        "policy_hours": BookingPolicy.load().cancellation_window,
        **context,
    }
    outbox.email_queue(
        to=to,
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        html=render_to_string(f"emails/{template}.html", context),
        calendar=ics.decode() if ics is not None else "",
        kind=f"{template}:{context['kind']}" if "kind" in context else template,
        booking=context.get("booking"),
        # A sign-in link is a key: nobody reads it in the back office, and it goes once sent.
        private=template in PRIVATE_TEMPLATES,
    )


def _when(booking: Booking) -> str:
    return subject_when(booking.start)


def _client(booking: Booking, kind: str, subject: str, intro: str) -> None:
    if not booking.emailable:
        return  # booked by phone without an email: the front desk tells them
    with_ics = kind in {"confirmed", "rescheduled", "cancelled"}
    # Offer online changes only while the policy allows them; after that, the phone.
    deadline = booking.start - BookingPolicy.load().window
    _send(
        "client_booking",
        subject,
        booking.email,
        {
            "booking": booking,
            "kind": kind,
            "intro": intro,
            "manage_url": manage_url(booking),
            "change_deadline": deadline if timezone.now() < deadline else None,
        },
        ics=calendar_file(booking) if with_ics else None,
    )


def _therapist(booking: Booking, kind: str, subject: str, **extra) -> None:
    if not booking.therapist.email:
        return
    _send(
        "therapist_booking",
        subject,
        booking.therapist.email,
        {"booking": booking, "kind": kind, **extra},
    )


def booking_created(booking: Booking) -> None:
    when = _when(booking)
    _client(
        booking,
        "confirmed",
        _("Booking confirmed: %(service)s, %(when)s")
        % {"service": booking.service.name, "when": when},
        _("Your session is booked. We look forward to seeing you."),
    )
    _therapist(
        booking,
        "new",
        _("New booking: %(when)s, %(service)s") % {"service": booking.service, "when": when},
    )


def booking_rescheduled(
    booking: Booking, previous: datetime, previous_therapist: Therapist | None = None
) -> None:
    when = _when(booking)
    new_therapist = previous_therapist is not None and previous_therapist.pk != booking.therapist_id
    if previous != booking.start:
        intro = _(
            "Your booking has moved to a new time. Your previous time (%(old)s) is no longer "
            "reserved."
        ) % {"old": client_when(previous)}
        if new_therapist:
            intro += " " + _("Your therapist is now %(name)s.") % {"name": booking.therapist.name}
    else:
        intro = _("Your session is now with %(name)s; the time is unchanged.") % {
            "name": booking.therapist.name
        }
    _client(
        booking,
        "rescheduled",
        _("Booking moved: %(service)s, now %(when)s")
        % {"service": booking.service.name, "when": when},
        intro,
    )
    if not new_therapist:
        _therapist(
            booking,
            "rescheduled",
            _("Booking moved to %(when)s: %(service)s")
            % {"service": booking.service, "when": when},
            previous=previous,
        )
        return
    # New to this therapist: a new booking. The first therapist hears it has gone.
    _therapist(
        booking,
        "new",
        _("New booking: %(when)s, %(service)s") % {"service": booking.service, "when": when},
    )
    if previous_therapist.email:
        _send(
            "therapist_booking",
            _("Booking moved to %(name)s: %(when)s, %(service)s")
            % {
                "name": booking.therapist.name,
                "when": subject_when(previous),
                "service": booking.service,
            },
            previous_therapist.email,
            {"booking": booking, "kind": "moved_away", "previous": previous},
        )


def booking_cancelled(booking: Booking, *, by_staff: bool = False) -> None:
    when = _when(booking)
    if by_staff:
        intro = _("Your booking has been cancelled by the clinic.")
        if booking.cancel_reason:
            intro += " " + _("Note from the clinic: %(reason)s") % {"reason": booking.cancel_reason}
        intro += " " + _("If you did not expect this, please call us.")
    else:
        intro = _("Your booking has been cancelled, as you asked. We hope to see you another time.")
    _client(
        booking,
        "cancelled",
        _("Booking cancelled: %(service)s, %(when)s")
        % {"service": booking.service.name, "when": when},
        intro,
    )
    _therapist(
        booking,
        "cancelled",
        _("Booking cancelled: %(when)s, %(service)s") % {"service": booking.service, "when": when},
    )


def booking_reminder(booking: Booking) -> None:
    _client(
        booking,
        "reminder",
        _("Reminder: %(service)s on %(when)s")
        % {"service": booking.service.name, "when": _when(booking)},
        _("This is a reminder of your session with us."),
    )


def booking_confirmation_resent(booking: Booking) -> None:
    """The confirmation again, with its calendar file, as the client asked on My bookings."""
    _client(
        booking,
        "confirmed",
        _("Your booking confirmation: %(service)s, %(when)s")
        % {"service": booking.service.name, "when": _when(booking)},
        _("Here is your booking confirmation again, as you asked."),
    )


def sign_in_link(email: str, url: str, *, expires: datetime) -> None:
    """The single-use "My bookings" link; it names nobody (anyone can type an address)."""
    _send(
        "my_sign_in",
        _("Your sign-in link for My bookings at %(clinic)s") % {"clinic": settings.CLINIC["name"]},
        email,
        {"url": url, "expires": expires},
    )


def erasure_requested(erasure) -> None:
    """Tell the clinic a request waits for the owner; the address stays in the back office."""
    _send(
        "erasure_requested",
        _("A client asked for their personal data to be erased"),
        settings.CLINIC["email"],
        {
            "review_url": settings.SITE_URL
            + reverse("admin:bookings_erasurerequest_change", args=[erasure.pk]),
            "requested_at": erasure.requested_at,
        },
    )


def waitlist_joined(entry) -> None:
    """The waitlist confirmation, with the private link to see, change or leave the entry."""
    _send(
        "waitlist_joined",
        _("You are on the waitlist for %(service)s") % {"service": entry.service.name},
        entry.email,
        {"entry": entry, "entry_url": settings.SITE_URL + entry.get_absolute_url()},
    )


def waitlist_offer(offer) -> None:
    """ "A 60-minute sciatica session with Maren is free on Thursday at 10:00. Claim it."""
    entry = offer.entry
    _send(
        "waitlist_offer",
        _("A time has freed up: %(service)s, %(when)s")
        % {"service": offer.service.name, "when": subject_when(offer.start)},
        entry.email,
        {
            "entry": entry,
            "offer": offer,
            "claim_url": settings.SITE_URL + offer.get_absolute_url(),
            "entry_url": settings.SITE_URL + entry.get_absolute_url(),
        },
    )
