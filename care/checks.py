"""System checks for the encryption of health answers (care.crypto)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


def _invalid(keys) -> list[int]:
    bad = []
    for index, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            bad.append(index)
    return bad


@checks.register(checks.Tags.security)
def encryption_keys_valid(app_configs, **kwargs):
    """Any key that is set must be a Fernet key, in every environment."""
    bad = _invalid(getattr(settings, "CARE_ENCRYPTION_KEYS", []) or [])
    if not bad:
        return []
    return [
        checks.Error(
            f"CARE_ENCRYPTION_KEYS: key number {', '.join(map(str, bad))} is not a Fernet key.",
            hint="Make one with `python manage.py care_new_key` (keys are comma-separated).",
            id="care.E002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def encryption_key_set(app_configs, **kwargs):
    """Production stores health answers only with a key from the environment."""
    if getattr(settings, "CARE_ENCRYPTION_KEYS", None):
        return []
    return [
        checks.Error(
            "CARE_ENCRYPTION_KEYS is not set, so health answers cannot be encrypted.",
            hint=(
                "Set CARE_ENCRYPTION_KEYS to the output of `python manage.py care_new_key` "
                "(see README, Health records). Keep it apart from database backups."
            ),
            id="care.E001",
        )
    ]
