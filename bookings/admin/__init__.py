"""The clinic's back office in the Django admin, split by job.

- `catalogue`, `therapists`, `schedules`, `clients`, `bookings`: the ModelAdmins;
- `agenda` (the view) and `agenda_grid` (building the grid from plain rows);
- `desk`: the front desk's "book for a caller" and "move";
- `actions` and `export`: the booking list's actions and the CSV export;
- `calendar_link`: a therapist's private calendar address;
- `privacy`: clients' erasure requests, for the owner alone;
- `waitlist`: the waitlist, its offers, offering a free time, and what it refilled;
- `media`: headshots and the clinic's photos; `reviews`: moderating clients' reviews.

The owner (superuser) and the front desk see everything; a therapist sees only their own
profile, hours, time off, bookings and the clients they have had bookings with. The rule is
defined once, as `visible_to(user)` on the models' QuerySets (`bookings/models/querysets.py`);
rows outside a user's scope answer 404 on every admin URL.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401  (registration)
    bookings,
    catalogue,
    clients,
    media,
    privacy,
    reviews,
    rooms,
    schedules,
    therapists,
    waitlist,
)

admin.site.site_header = _("Rimrock Massage & Bodywork: back office")
admin.site.site_title = _("Clinic back office")
admin.site.index_title = _("Today at the clinic")
