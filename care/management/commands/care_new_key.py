from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from care.crypto import new_key


class Command(BaseCommand):
    help = (
        "Print a new encryption key for health answers (for CARE_ENCRYPTION_KEYS). With "
        "--dev-file, write one to .care-key for local runs instead, unless it exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dev-file",
            action="store_true",
            help="Create the git-ignored development key file (used only with DEBUG on).",
        )

    def handle(self, *args, dev_file=False, **options):
        if not dev_file:
            self.stdout.write(new_key())
            return
        if not settings.DEBUG:
            raise CommandError("The development key file is for DEBUG runs only.")
        path = settings.CARE_DEV_KEY_FILE
        if path.exists():
            self.stdout.write(f"Development key for health answers: {path.name} (kept).")
            return
        path.write_text(new_key() + "\n")
        path.chmod(0o600)
        self.stdout.write(f"Development key for health answers written to {path.name}.")
