"""Links to a booking's health form.

The link in a booking's emails carries a key made from the booking's token with the site's
secret, so whoever follows it has read that mailbox; such a visitor sees the person's earlier
forms (care.services._seen_through). The booking's bare link, which its booker holds at once,
shows only what was filled in through it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from bookings.models import Booking


def mailbox_key(booking: Booking) -> str:
    return salted_hmac("care.mailbox-link", booking.token).hexdigest()[:32]


def is_mailbox_key(booking: Booking, value: str | None) -> bool:
    return bool(value) and constant_time_compare(value, mailbox_key(booking))


def form_path(booking: Booking, page: str = "start", step: str = "", *, key: str = "") -> str:
    """The path of a form page ("start", "step", "received"), keeping the mailbox key."""
    args = [booking.token, step] if page == "step" else [booking.token]
    path = reverse(f"care:{page}", args=args)
    return f"{path}?{urlencode({'k': key})}" if key else path


def emailed_form_url(booking: Booking) -> str:
    """The form's address for the booking's own emails, with the mailbox key."""
    return settings.SITE_URL + form_path(booking, key=mailbox_key(booking))
