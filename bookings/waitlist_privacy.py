"""The waitlist's part of a person's data: in their export, and erased with them.

Entries hold a name, email and phone of their own (people join before they are clients), so
they are found by the people's contact email. Registered from BookingsConfig.ready().
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import Client, WaitlistEntry
from .privacy import PrivacySection, register


def _entries_of(people: list[Client]):
    return WaitlistEntry.objects.filter(email__in={p.email for p in people if p.email})


def export_entries(people: list[Client]) -> dict[int, list[dict]]:
    """Each person's waitlist entries, by the contact email they joined with."""
    found: dict[int, list[dict]] = {person.pk: [] for person in people}
    by_address = {person.email: person.pk for person in people if person.email}
    for entry in _entries_of(people).select_related("service", "therapist"):
        found[by_address[entry.email]].append(
            {
                "service": entry.service.name,
                "therapist": entry.therapist.name if entry.therapist else "any",
                "days": entry.weekday_list,
                "parts_of_day": entry.parts,
                "from": entry.from_date,
                "until": entry.until_date,
                "name": entry.name,
                "email": entry.email,
                "phone": entry.phone,
                "status": entry.get_status_display(),
                "joined": timezone.localtime(entry.joined_at),
            }
        )
    return found


def erase_entries(*, people: list[Client], by, now) -> int:
    """Blank who joined; a waiting entry leaves the list (and is never offered a time)."""
    entries = _entries_of(people)
    entries.filter(status=WaitlistEntry.Status.WAITING).update(
        status=WaitlistEntry.Status.LEFT, closed_at=now
    )
    return entries.update(name="", email="", phone="")


def register_section() -> None:
    register(
        PrivacySection(
            key="waitlist",
            title=gettext_lazy("Waitlist"),
            export=export_entries,
            erase=erase_entries,
        )
    )
