"""Fixtures for the site's tests: the demo clinic, seeded once per module."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from tests.factories import NOW


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo clinic seeded at NOW by `seed_demo`, once for the module; returns what it printed.

    The seed runs inside a transaction that is rolled back after the module's last test, so
    other modules start from an empty database. Each test still runs in its own savepoint
    (pytest-django's `db`), so what one test changes the next never sees. A module that uses
    it should use it for every database test (`pytest.mark.usefixtures("demo")`): once seeded,
    the demo rows are there for the rest of the module.
    """
    printed = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            call_command("seed_demo", stdout=printed)
        # Between the tests only pytest-django's `db` opens the database, as everywhere else.
        with django_db_blocker.block():
            yield printed.getvalue()
        transaction.set_rollback(True)
