"""The outbox's part of a person's data: in their export, and erased with them.

Registered from BookingsConfig.ready() (bookings/privacy.py gathers the sections).
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Client, OutboxEmail
from .privacy import PrivacySection, register


def _emails_of(people: list[Client]):
    addresses = {person.email for person in people if person.email}
    return OutboxEmail.objects.filter(Q(booking__client__in=people) | Q(to__in=addresses))


def export_emails(people: list[Client]) -> dict[int, list[dict]]:
    """Each person's emails: what was sent about their bookings, and when."""
    found: dict[int, list[dict]] = {person.pk: [] for person in people}
    by_address = {person.email: person.pk for person in people if person.email}
    for email in _emails_of(people).select_related("booking").order_by("created_at", "pk"):
        owner = email.booking.client_id if email.booking else by_address.get(email.to)
        if owner in found:
            found[owner].append(
                {
                    "subject": email.subject,
                    "to": email.to,
                    "status": email.get_status_display(),
                    "written": email.created_at,
                    "sent": email.sent_at,
                }
            )
    return found


def erase_emails(*, people: list[Client], by, now) -> int:
    """Blank the address and text of their emails; one not yet sent is never sent."""
    emails = _emails_of(people)
    unsent = [OutboxEmail.Status.WAITING, OutboxEmail.Status.SENDING]
    emails.filter(status__in=unsent).update(
        status=OutboxEmail.Status.FAILED, last_error=_("Erased on the client's request")
    )
    return emails.update(to="", subject=_("Erased"), body="", html="", calendar="")


def register_section() -> None:
    register(
        PrivacySection(
            key="emails", title=gettext_lazy("Emails"), export=export_emails, erase=erase_emails
        )
    )
