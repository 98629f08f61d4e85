"""Fixtures for the booking tests: the clinic's clock stands still at NOW."""

import pytest
import time_machine

from tests.factories import NOW


@pytest.fixture(autouse=True)
def frozen_clock():
    # A Monday morning before every session the tests book; time moves only when a test says.
    with time_machine.travel(NOW, tick=False):
        yield
