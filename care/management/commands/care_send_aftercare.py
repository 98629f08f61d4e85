from django.core.management.base import BaseCommand
from django.utils import timezone

from care.aftercare import aftercare_send


class Command(BaseCommand):
    help = (
        "Email the aftercare of yesterday's completed sessions (each once; safe to run on "
        "several machines at once, e.g. every 15 minutes from cron)."
    )

    def handle(self, *args, **options):
        sent = aftercare_send(now=timezone.now())
        self.stdout.write(f"{sent} aftercare email(s) sent.")
