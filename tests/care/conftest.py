"""The clinic the health-record tests share: two therapists with logins, the front desk,
the owner, and Ruth (booked with Maren) and Dan (booked with Hannah)."""

from types import SimpleNamespace

import pytest
import time_machine

from bookings.demo import ensure_groups
from care.demo import ensure_care_permissions
from tests.factories import NOW, local, make_booking, make_client, make_service, make_therapist


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def staff(django_user_model, username, group=None, **flags):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@rimrock.example", is_staff=True, **flags
    )
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def clinic(policy, django_user_model):
    groups = ensure_groups()
    ensure_care_permissions()
    sciatica = make_service()
    maren_user = staff(django_user_model, "maren", groups["Therapist"])
    hannah_user = staff(django_user_model, "hannah", groups["Therapist"])
    luis_user = staff(django_user_model, "luis", groups["Therapist"])
    desk = staff(django_user_model, "frontdesk", groups["Front desk"])
    owner = staff(django_user_model, "owner", is_superuser=True)
    maren = make_therapist(services=[sciatica], user=maren_user)
    hannah = make_therapist(
        slug="hannah",
        name="Hannah Kowalski",
        email="hannah@clinic.example",
        services=[sciatica],
        user=hannah_user,
        order=1,
    )
    luis = make_therapist(
        slug="luis",
        name="Luis Ortega",
        email="luis@clinic.example",
        services=[sciatica],
        user=luis_user,
        order=2,
    )
    ruth = make_client(name="Ruth Andersen", email="ruth@example.com")
    dan = make_client(name="Dan Okafor", email="dan@example.com", phone="(406) 555-0199")
    ruth_next = make_booking(
        therapist=maren, service=sciatica, client=ruth, start=local("2026-12-09", "10:00")
    )
    dan_next = make_booking(
        therapist=hannah, service=sciatica, client=dan, start=local("2026-12-09", "10:00")
    )
    return SimpleNamespace(
        sciatica=sciatica,
        maren=maren,
        hannah=hannah,
        luis=luis,
        maren_user=maren_user,
        hannah_user=hannah_user,
        luis_user=luis_user,
        desk=desk,
        owner=owner,
        ruth=ruth,
        dan=dan,
        ruth_next=ruth_next,
        dan_next=dan_next,
    )
