from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.demo import DEMO_PASSWORD, EDITOR, FRONT_DESK, OWNER, seed_clinic
from clinic import demo_content


class Command(BaseCommand):
    help = "Load the demo clinic in Billings (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        created = seed_clinic(now=timezone.now())
        if any(created[key] for key in ("services", "therapists", "bookings", "users")):
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo clinic loaded: {created['services']} services, {created['therapists']} "
                    f"therapists, {created['bookings']} bookings, {created['articles']} articles."
                )
            )
        else:
            self.stdout.write("Demo clinic already loaded: nothing changed.")
        therapists = [t["username"] for t in demo_content.THERAPISTS]
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}):\n"
            f"  owner (everything):  {OWNER}\n"
            f"  front desk:          {FRONT_DESK}\n"
            f"  article editor:      {EDITOR}\n"
            f"  therapist:           {therapists[0]}  (also: {', '.join(therapists[1:])})"
        )
