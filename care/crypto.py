"""Encryption at rest for health answers: Fernet tokens under keys from the environment.

`settings.CARE_ENCRYPTION_KEYS` lists Fernet keys, newest first. Everything is encrypted with
the first; every key decrypts, so a new key can be put in front and the rows re-encrypted
(`manage.py care_rotate_keys`) before the old key is removed. Decrypted values are wrapped
so that their repr (debug pages, error reports, shells) never shows what they hold.
"""

from __future__ import annotations

import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = ["InvalidToken", "decrypt", "encrypt", "new_key"]


def new_key() -> str:
    return Fernet.generate_key().decode()


@functools.cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "CARE_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes); see README, Health records."
        ) from error


def fernet() -> MultiFernet:
    keys = tuple(getattr(settings, "CARE_ENCRYPTION_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured(
            "CARE_ENCRYPTION_KEYS is not set, so health answers cannot be stored or read. "
            "Set it (see README, Health records); `make run` creates a development key."
        )
    return _fernet_for(keys)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same plaintext under the newest key (MultiFernet.rotate keeps its timestamp)."""
    return fernet().rotate(token.encode()).decode()


class Hidden(dict):
    """Decrypted answers: a dict whose repr names no value."""

    def __repr__(self) -> str:
        return "<health answers: hidden>"


class HiddenList(list):
    def __repr__(self) -> str:
        return "<health answers: hidden>"


class HiddenText(str):
    def __repr__(self) -> str:
        return "'<health note: hidden>'"


def _hide(value):
    if isinstance(value, dict):
        return Hidden({key: _hide(item) for key, item in value.items()})
    if isinstance(value, list):
        return HiddenList(_hide(item) for item in value)
    if isinstance(value, str):
        return HiddenText(value)
    return value


class EncryptedJSONField(models.TextField):
    """JSON stored as a Fernet token: the column never holds a readable answer."""

    description = "JSON, encrypted with CARE_ENCRYPTION_KEYS"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return _hide(json.loads(decrypt(value)))

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(json.dumps(value, sort_keys=True))

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        return "<encrypted>"  # dumpdata and serializers never see plaintext


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token ("" stays "", so an empty note needs no key)."""

    description = "Text, encrypted with CARE_ENCRYPTION_KEYS"

    def from_db_value(self, value, expression, connection):
        if not value:
            return HiddenText("")
        return HiddenText(decrypt(value))

    def get_prep_value(self, value):
        if not value:
            return ""
        return encrypt(str(value))

    def value_to_string(self, obj):
        return "<encrypted>"
