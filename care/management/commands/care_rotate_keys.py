from django.core.management.base import BaseCommand

from care.services import keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every health answer and review note with the first (newest) key in "
        "CARE_ENCRYPTION_KEYS. Put the new key first, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        count = keys_rotate()
        self.stdout.write(f"Rows re-encrypted with the newest key: {count}")
