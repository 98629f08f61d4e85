"""Shared fixtures; the factories live in tests/factories.py."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from bookings.models import BookingPolicy
from tests.factories import NOW, make_service, make_therapist


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords():
    # The demo clinic makes six logins; the real hasher would spend over a second on them.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def policy(db):
    policy = BookingPolicy()
    policy.save()
    return policy


@pytest.fixture
def service(db):
    return make_service()


@pytest.fixture
def therapist(db, service):
    return make_therapist(services=[service])
