"""The public site's booking pages, by job; `bookings/urls.py` routes to these names."""

from .api import api_availability
from .booking import book_service, confirm
from .catalogue import (
    ServiceDetailView,
    ServiceListView,
    TherapistDetailView,
    TherapistListView,
    book,
)
from .self_service import booking_ics, cancel, manage, reschedule, reschedule_confirm

__all__ = [
    "ServiceDetailView",
    "ServiceListView",
    "TherapistDetailView",
    "TherapistListView",
    "api_availability",
    "book",
    "book_service",
    "booking_ics",
    "cancel",
    "confirm",
    "manage",
    "reschedule",
    "reschedule_confirm",
]
