from django.core.management.base import BaseCommand

from bookings.tasks import send_due_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminder job: a worker writes each due reminder to the outbox (once per "
        "booking) and sends it. Workers already run it every few minutes; this is for cron or "
        "for running it now. Safe on several servers at once."
    )

    def handle(self, *args, **options):
        send_due_reminders.enqueue()
        self.stdout.write("Reminder job queued; a worker sends the reminders.")
