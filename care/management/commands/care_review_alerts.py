from django.core.management.base import BaseCommand
from django.utils import timezone

from care.services import review_alerts_send


class Command(BaseCommand):
    help = (
        "Email the front desk about bookings whose health form is still unreviewed 24 hours "
        "before the session (once each). Safe to run from cron on several servers at once."
    )

    def handle(self, *args, **options):
        sent = review_alerts_send(now=timezone.now())
        self.stdout.write(f"Review alerts sent: {sent}")
