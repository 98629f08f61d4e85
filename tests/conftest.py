"""Shared fixtures; the factories live in tests/factories.py."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from bookings import clinic_setup
from bookings.models import BookingPolicy
from clinic import ratelimit
from tests.factories import NOW, make_service, make_therapist

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords():
    # The demo clinic makes six logins; the real hasher would spend over a second on them.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    # And the clinic's setup held in memory: each test starts from its own database.
    for cache in [*caches.all(), ratelimit._local_counts]:
        cache.clear()
    clinic_setup.forget()
    yield
    for cache in [*caches.all(), ratelimit._local_counts]:
        cache.clear()
    clinic_setup.forget()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Queued tasks run on the spot, so a test sees the email a worker would send.

    Emails are still queued only after commit: a test sees them inside
    `django_capture_on_commit_callbacks(execute=True)` or with a transactional database.
    Tests of the worker itself use the database backend (tests/bookings/test_outbox.py).
    """
    settings.TASKS = IMMEDIATE_TASKS


# A fixed key for health answers (care/): tests never depend on a local .care-key file.
TEST_CARE_KEY = "Jm3jNEg3Vx8b7Z6Ss3u1i2F0mH1xw0b9vT9yq3J2bQk="


def pytest_configure(config):
    # For the whole run, module-scoped fixtures (the seeded demo clinic) included; a test
    # that changes keys does so with pytest-django's `settings`, which puts this back.
    from django.conf import settings

    settings.CARE_ENCRYPTION_KEYS = [TEST_CARE_KEY]


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
