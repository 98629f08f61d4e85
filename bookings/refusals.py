"""Why a time cannot be booked or a booking changed, in the words of whoever asked.

`BookingError` (and `SlotUnavailable`, for a time that is not free) carry a message for the
person asking and a code.

One table per set of codes: `SLOT_REFUSALS` for the codes of the availability engine (plus
"nobody", when no therapist is left for "any"), worded for clients online and for staff
booking for a caller; `CHANGE_REFUSALS` for why a client may not change a booking online.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import BookingPolicy, Therapist


class BookingError(Exception):
    """A booking request that cannot be honoured, with a message for the person asking."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    @property
    def status(self) -> int:
        """The HTTP status for a page that explains it: 409 when someone else got there first."""
        return 409 if self.code in {"booked", "nobody", "room"} else 400


class SlotUnavailable(BookingError):
    """The chosen time is not (or no longer) free."""


@dataclass(frozen=True)
class Refusal:
    client: Promise
    staff: Promise
    # For a request for any therapist, when the client wording names one.
    client_anyone: Promise | None = None
    # Staff may book it anyway with "Override working hours".
    overridable: bool = False


SLOT_REFUSALS = {
    "past": Refusal(
        client=gettext_lazy("That time has already passed. Please choose a time from the list."),
        staff=gettext_lazy("That time has already passed."),
    ),
    "notice": Refusal(
        client=gettext_lazy(
            "Online bookings need at least %(notice)d minutes' notice. Please choose a later "
            "time, or call us and we will try to fit you in."
        ),
        staff=gettext_lazy(
            "That is sooner than the %(notice)d minutes' notice online bookings need."
        ),
        overridable=True,
    ),
    "horizon": Refusal(
        client=gettext_lazy(
            "We take online bookings up to %(days)d days ahead. Please choose an earlier day."
        ),
        staff=gettext_lazy("That is further ahead than the %(days)d days clients can book online."),
        overridable=True,
    ),
    "hours": Refusal(
        client=gettext_lazy(
            "%(who)s is not working at that time. Please choose a time from the list."
        ),
        client_anyone=gettext_lazy(
            "None of our therapists works at that time. Please choose a time from the list."
        ),
        staff=gettext_lazy("%(who)s is not working then."),
        overridable=True,
    ),
    "off_grid": Refusal(
        client=gettext_lazy(
            "Sessions start every %(step)d minutes. Please choose a time from the list."
        ),
        staff=gettext_lazy("Sessions usually start every %(step)d minutes."),
        overridable=True,
    ),
    "time_off": Refusal(
        client=gettext_lazy("%(who)s is away at that time. Please choose another time."),
        client_anyone=gettext_lazy(
            "None of our therapists is available at that time. Please choose another time."
        ),
        staff=gettext_lazy("%(who)s is away then (time off or a clinic closure)."),
        overridable=True,
    ),
    "booked": Refusal(
        client=gettext_lazy(
            "Sorry, that time has just been booked by someone else. "
            "Here are the nearest free times."
        ),
        staff=gettext_lazy(
            "%(who)s already has a session (or its cleanup time) then. Bookings never overlap: "
            "please choose another time."
        ),
    ),
    "room": Refusal(
        client=gettext_lazy(
            "Sorry, no treatment room is free at that time any more. "
            "Here are the nearest free times."
        ),
        staff=gettext_lazy(
            "No suitable treatment room is free then (for the session and its cleanup). "
            "Please choose another time."
        ),
    ),
    "nobody": Refusal(
        client=gettext_lazy(
            "Sorry, no therapist is free at that time any more. Here are the nearest free times."
        ),
        staff=gettext_lazy(
            "Nobody who offers this service is free then. Please choose another time."
        ),
    ),
}


def slot_refusal(
    code: str,
    *,
    policy: BookingPolicy,
    therapist: Therapist | None,
    staff: bool = False,
    hint: bool = False,
) -> str:
    """Why a start cannot be booked, by code, for a client or (`staff`) the front desk.

    `therapist` is None when the request was for any therapist. `hint` adds, for staff, how
    to book it anyway where the override allows it.
    """
    refusal = SLOT_REFUSALS.get(code, SLOT_REFUSALS["nobody"])
    if staff:
        text, who = refusal.staff, therapist.name if therapist else _("The therapist")
    elif therapist is None and refusal.client_anyone is not None:
        text, who = refusal.client_anyone, ""
    else:
        text, who = refusal.client, therapist.first_name if therapist else _("The therapist")
    message = text % {
        "who": who,
        "notice": policy.min_notice,
        "days": policy.horizon_days,
        "step": policy.slot_step,
    }
    if staff and hint and refusal.overridable:
        message += " " + _("Tick “Override working hours” to book it anyway.")
    return message


CHANGE_REFUSALS = {
    "cancelled": gettext_lazy("This booking has been cancelled, so it can no longer be changed."),
    "past": gettext_lazy(
        "This session has already taken place, so it can no longer be changed online."
    ),
    "window": gettext_lazy(
        "Your session is less than %(hours)d hours away, so it can no longer be changed "
        "online. Please call us and we will do our best to help."
    ),
}


def change_refusal(code: str, policy: BookingPolicy) -> str:
    """Why a client may not change their booking online (a code of `can_client_change`)."""
    return CHANGE_REFUSALS[code] % {"hours": policy.cancellation_window}
