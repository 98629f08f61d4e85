from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.services import reminders_send


class Command(BaseCommand):
    help = (
        "Email clients a reminder before their session (once each). Safe to run from cron on "
        "several servers at once, e.g. every 10 minutes."
    )

    def handle(self, *args, **options):
        sent = reminders_send(now=timezone.now())
        self.stdout.write(f"Reminders sent: {sent}")
