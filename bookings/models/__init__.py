"""The booking models, one module per part of the domain; import them from here."""

from .bookings import Booking, BookingChange, Client, Series, normal_email, normal_name
from .catalogue import Service, Therapist
from .outbox import OutboxEmail, PeriodicJob
from .privacy import ErasureRequest, SignInLink
from .querysets import FRONT_DESK_GROUP, THERAPIST_GROUP, StaffScope, staff_scope
from .rooms import Room, RoomClosure, RoomFeature
from .schedules import BookingPolicy, Closure, Period, TimeOff, WorkingHours
from .waitlist import PartOfDay, WaitlistEntry, WaitlistOffer, part_of_day
from .tokens import REFERENCE_ALPHABET, new_manage_token, new_reference

__all__ = [
    "FRONT_DESK_GROUP",
    "REFERENCE_ALPHABET",
    "THERAPIST_GROUP",
    "Booking",
    "BookingChange",
    "BookingPolicy",
    "Client",
    "Closure",
    "ErasureRequest",
    "OutboxEmail",
    "Period",
    "PeriodicJob",
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
    "PartOfDay",
    "part_of_day",
    "new_manage_token",
    "new_reference",
    "normal_email",
    "normal_name",
    "staff_scope",
]
