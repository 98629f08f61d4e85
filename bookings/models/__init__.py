"""The booking models, one module per part of the domain; import them from here."""

from .bookings import Booking, BookingChange, Client, Series, normal_email, normal_name
from .catalogue import Service, Therapist
from .media import ClinicPhoto, Headshot
from .outbox import OutboxEmail, PeriodicJob
from .privacy import ErasureRequest, SignInLink
from .querysets import FRONT_DESK_GROUP, THERAPIST_GROUP, StaffScope, staff_scope
from .reviews import Review, ReviewOptOut, ReviewRequest
from .rooms import Room, RoomClosure, RoomFeature
from .schedules import BookingPolicy, Closure, Period, TimeOff, WorkingHours
from .tokens import REFERENCE_ALPHABET, new_manage_token, new_reference
from .waitlist import PartOfDay, WaitlistEntry, WaitlistOffer, part_of_day

__all__ = [
    "FRONT_DESK_GROUP",
    "REFERENCE_ALPHABET",
    "THERAPIST_GROUP",
    "Booking",
    "BookingChange",
    "BookingPolicy",
    "Client",
    "ClinicPhoto",
    "Closure",
    "ErasureRequest",
    "Headshot",
    "OutboxEmail",
    "PartOfDay",
    "Period",
    "PeriodicJob",
    "Review",
    "ReviewOptOut",
    "ReviewRequest",
    "Room",
    "RoomClosure",
    "RoomFeature",
    "Series",
    "Service",
    "SignInLink",
    "StaffScope",
    "Therapist",
    "TimeOff",
    "WaitlistEntry",
    "WaitlistOffer",
    "WorkingHours",
    "new_manage_token",
    "new_reference",
    "normal_email",
    "normal_name",
    "part_of_day",
    "staff_scope",
]
