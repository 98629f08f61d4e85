"""The demo clinic's two treatment rooms, and the holidays its calendar is closed for."""

from datetime import date, datetime, time, timedelta

from clinic import demo_content

from .models import Closure, Room, RoomFeature, Therapist
from .times import clinic_tz


def seed_rooms() -> None:
    """Two treatment rooms for three therapists, so rooms really limit the day."""
    features = {
        name: RoomFeature.objects.get_or_create(name=name)[0]
        for spec in demo_content.ROOMS
        for name in spec["features"]
    }
    for order, spec in enumerate(demo_content.ROOMS):
        room = Room.objects.create(name=spec["name"], slug=spec["slug"], order=order)
        room.features.set([features[name] for name in spec["features"]])
        for therapist in Therapist.objects.filter(slug__in=spec["preferred_by"]):
            therapist.preferred_rooms.add(room)


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)  # the fourth Thursday


HOLIDAYS = [
    ("Thanksgiving Day", _thanksgiving),
    ("Christmas Day", lambda year: date(year, 12, 25)),
    ("New Year's Day", lambda year: date(year, 1, 1)),
    ("Independence Day", lambda year: date(year, 7, 4)),
]


def seed_closures(now: datetime) -> None:
    """The next occurrence of each holiday the clinic closes for."""
    tz = clinic_tz()
    today = now.astimezone(tz).date()
    for reason, on in HOLIDAYS:
        holiday = on(today.year)
        if holiday < today:
            holiday = on(today.year + 1)
        start = datetime.combine(holiday, time.min, tzinfo=tz)
        Closure.objects.create(start=start, end=start + timedelta(days=1), reason=reason)
