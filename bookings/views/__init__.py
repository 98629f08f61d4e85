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
from .my import my_bookings, my_link_sent, my_resend, my_sign_in, my_sign_out
from .privacy import my_data, my_data_json, my_erasure
from .reviews import review, review_unsubscribe
from .self_service import (
    booking_ics,
    cancel,
    cancel_plan,
    google_calendar,
    manage,
    reschedule,
    reschedule_confirm,
)
from .waitlist import waitlist_entry, waitlist_join, waitlist_offer

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
    "cancel_plan",
    "confirm",
    "google_calendar",
    "manage",
    "my_bookings",
    "my_data",
    "my_data_json",
    "my_erasure",
    "my_link_sent",
    "my_resend",
    "my_sign_in",
    "my_sign_out",
    "reschedule",
    "reschedule_confirm",
    "review",
    "review_unsubscribe",
    "waitlist_entry",
    "waitlist_join",
    "waitlist_offer",
]
