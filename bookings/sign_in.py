"""Signing in to "My bookings" with an emailed, single-use link (no password).

Why Django's signing plus a stored nonce rather than a library: the people signing in are
clients (rows of `Client`, several under one email), not `User` accounts, and the libraries
for emailed links (django-sesame and the like) sign in a `User`. What we need is small:

- the link carries `TimestampSigner(salt).sign(secret)`: a tampered or made-up link fails the
  signature check before any lookup, and no link outlives `LINK_LIFETIME` even if its row did;
- the row (`SignInLink`) holds only a SHA-256 hash of the 256-bit secret, so a copy of the
  database signs nobody in, and it makes the link single-use: consuming is one conditional
  UPDATE (`used_at` still empty and not expired), so two clicks at once sign in once;
- the link's GET only shows a "Sign in" button (mail scanners follow links); the POST
  consumes it. The address the link signs in to is read from the row, never from the URL.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from . import notifications
from .models import Client, SignInLink, normal_email

SALT = "bookings.my-bookings.sign-in"
LINK_LIFETIME = timedelta(minutes=30)
# Unused links one address may hold at once: more requests send nothing (same answer page).
MAX_OPEN_LINKS = 3
LONGEST_TOKEN = 200


class LinkRefused(Exception):
    """A sign-in link that cannot be used: code "invalid", "expired" or "used"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sign_in_link_request(*, email: str, now: datetime) -> None:
    """Email a sign-in link to `email` if any (not erased) client has it; otherwise nothing.

    The caller answers the same either way. The only extra work for a known address is
    writing one row; the email goes out after commit. An address holding `MAX_OPEN_LINKS`
    unused links gets no more until one is used or expires.
    """
    email = normal_email(email)
    if not email or not Client.objects.filter(email=email, erased_at__isnull=True).exists():
        return
    with transaction.atomic():
        SignInLink.objects.filter(expires_at__lte=now).delete()
        if SignInLink.objects.filter(email=email, used_at__isnull=True).count() >= MAX_OPEN_LINKS:
            return
        secret = secrets.token_urlsafe(32)
        expires = now + LINK_LIFETIME
        SignInLink.objects.create(
            email=email, secret_hash=_hash(secret), created_at=now, expires_at=expires
        )
        token = signing.TimestampSigner(salt=SALT).sign(secret)
        url = settings.SITE_URL + reverse("bookings:my_sign_in", args=[token])
        notifications.sign_in_link(email, url, expires=expires)  # into the outbox with the link


def _link(token: str) -> SignInLink:
    """The link's row, if the token's signature holds and it is young enough."""
    if len(token) > LONGEST_TOKEN:
        raise LinkRefused("invalid")
    try:
        secret = signing.TimestampSigner(salt=SALT).unsign(token, max_age=LINK_LIFETIME)
    except signing.SignatureExpired as error:
        raise LinkRefused("expired") from error
    except signing.BadSignature as error:
        raise LinkRefused("invalid") from error
    link = SignInLink.objects.filter(secret_hash=_hash(secret)).first()
    if link is None:
        raise LinkRefused("invalid")
    return link


def _usable(token: str, now: datetime) -> SignInLink:
    link = _link(token)
    if link.used_at is not None:
        raise LinkRefused("used")
    if link.expires_at <= now:
        raise LinkRefused("expired")
    return link


def sign_in_link_check(*, token: str, now: datetime) -> None:
    """Whether the link can still sign in (LinkRefused if not); changes nothing."""
    _usable(token, now)


def sign_in_link_use(*, token: str, now: datetime) -> str:
    """Consume the link and return the address it signs in to (LinkRefused if it cannot).

    Single use under any concurrency: the conditional UPDATE claims it once."""
    link = _usable(token, now)
    claimed = SignInLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:
        raise LinkRefused("used")
    return link.email
