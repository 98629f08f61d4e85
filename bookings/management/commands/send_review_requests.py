from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.reviews import reviews_request_send


class Command(BaseCommand):
    help = (
        "Email clients a review request a few days after a completed session (once per client "
        "in 90 days). Safe to run from cron on several servers at once, e.g. hourly."
    )

    def handle(self, *args, **options):
        sent = reviews_request_send(now=timezone.now())
        self.stdout.write(f"Review requests sent: {sent}")
