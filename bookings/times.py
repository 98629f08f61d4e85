"""How the clinic writes a moment: always in clinic time, one format per context.

- the back office: `admin_time` ("Tue Dec 8, 2026, 10:00 AM MST") everywhere, with
  `admin_span` for a session and `admin_clock` inside a list that already names the day;
- clients' pages and emails: `client_when` ("Tuesday, December 8, 2026 at 10:00 AM MST") and
  `client_clock` ("10:00 AM"), as the `clinic_when` and `clinic_clock` template filters;
- email subjects: `subject_when` ("Tue Dec 8, 10:00 AM MST").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat
from django.utils.translation import get_language

ZONE_NAMES = {
    "America/Denver": "Mountain Time",
    "America/Boise": "Mountain Time",
    "America/Phoenix": "Mountain Time (Arizona)",
    "America/Chicago": "Central Time",
    "America/New_York": "Eastern Time",
    "America/Los_Angeles": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
}

ADMIN_TIME = r"D M j, Y, g:i A T"
ADMIN_DATE = "M j, Y"
CLOCK = "g:i A"


def clinic_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def zone_name() -> str:
    """The clinic's zone as people say it, e.g. "Mountain Time"."""
    return ZONE_NAMES.get(settings.TIME_ZONE, settings.TIME_ZONE)


def _format(moment: datetime | None, fmt: str) -> str:
    if moment is None:
        return ""
    zone = clinic_tz()
    # The zone is in the key: aware datetimes are equal across zones when the instant is.
    return _written(moment.astimezone(zone), fmt, get_language(), zone)


def admin_time(moment: datetime | None) -> str:
    """'Tue Dec 8, 2026, 10:00 AM MST': every time the back office shows."""
    return _format(moment, ADMIN_TIME)


def admin_span(start: datetime, end: datetime) -> str:
    """A session in the back office: 'Tue Dec 8, 2026, 10:00 AM' to '11:00 AM MST'."""
    return f"{_format(start, r'D M j, Y, g:i A')} – {_format(end, 'g:i A T')}"


def admin_clock(moment: datetime | None) -> str:
    """'10:00 AM', in a back-office list that already names the day and the zone."""
    return _format(moment, CLOCK)


def admin_date(day: date | datetime | None) -> str:
    """'Dec 8, 2026': a date in the back office (a datetime is read in clinic time)."""
    if isinstance(day, datetime):
        return _format(day, ADMIN_DATE)
    return dateformat.format(day, ADMIN_DATE) if day else ""


def client_when(moment: datetime | None) -> str:
    """'Tuesday, December 8, 2026 at 10:00 AM MST': a session on clients' pages and emails."""
    return _format(moment, r"l, F j, Y \a\t g:i A T")


def client_clock(moment: datetime | None) -> str:
    """'10:00 AM': a start time on the client's time picker."""
    if moment is None:
        return ""
    local = moment.astimezone(clinic_tz())
    # The picker writes dozens at a time: each minute of the day is written once.
    return _written(time(local.hour, local.minute), CLOCK, get_language(), None)


def client_clocks(moments: Iterable[datetime]) -> list[str]:
    """`client_clock` of each of `moments`, already in clinic time (the picker's day)."""
    language = get_language()
    return [_written(time(m.hour, m.minute), CLOCK, language, None) for m in moments]


def day_label(day: date, fmt: str) -> str:
    """A date in `fmt` (Django's date format), as the `date` filter writes it, written once
    per day and format."""
    return _written(day, fmt, get_language(), None)


@functools.lru_cache(maxsize=4096)
def _written(value: date | time, fmt: str, language: str | None, zone: ZoneInfo | None) -> str:
    """`value` in `fmt`, written once per value, format, language and zone: Django's
    `dateformat` takes tens of microseconds a call, and pages write the same times often."""
    if isinstance(value, time):
        return dateformat.time_format(value, fmt)
    return dateformat.format(value, fmt)


def subject_when(moment: datetime) -> str:
    """'Tue Dec 8, 10:00 AM MST': a session in an email's subject line."""
    return _format(moment, r"D M j, g:i A T")


def iso_times(seconds: Iterable[int], tz: ZoneInfo) -> list[str]:
    """POSIX seconds as ISO 8601 in clinic time ("2026-12-08T10:00:00-07:00"), as
    `datetime.isoformat` writes them, for thousands of times at once (the availability API).

    The zone is asked once per local day (times come mostly in order); a time on a day whose
    offset changes is written by `datetime` itself.
    """
    written = []
    day = _Day(0, 0, "", None)
    for moment in seconds:
        if not day.starts <= moment < day.ends:
            day = _Day.of(moment, tz)
        minute, secs = divmod(moment - day.starts, 60)
        if day.offset is None or secs or not 0 <= minute < len(_CLOCKS):
            written.append(datetime.fromtimestamp(moment, tz).isoformat())
        else:
            written.append(day.name + _CLOCKS[minute] + day.offset)
    return written


# "T00:00:00" to "T23:59:00": every minute of a day, as `iso_times` writes it.
_CLOCKS = [f"T{minute // 60:02d}:{minute % 60:02d}:00" for minute in range(24 * 60)]


@dataclass(frozen=True)
class _Day:
    """A local day as POSIX seconds [starts, ends), its date and its one offset (None when
    the clocks change that day)."""

    starts: int
    ends: int
    name: str
    offset: str | None

    @classmethod
    def of(cls, moment: int, tz: ZoneInfo) -> _Day:
        return _day_of(datetime.fromtimestamp(moment, tz).date(), tz)

    @classmethod
    def of_date(cls, local: date, tz: ZoneInfo) -> _Day:
        opens = datetime.combine(local, time.min, tzinfo=tz)
        closes = datetime.combine(local + timedelta(days=1), time.min, tzinfo=tz)
        starts, ends = int(opens.timestamp()), int(closes.timestamp())
        last = datetime.fromtimestamp(ends - 1, tz)
        steady = opens.utcoffset() == last.utcoffset() and ends - starts == 86400
        return cls(starts, ends, local.isoformat(), opens.isoformat()[19:] if steady else None)


@functools.lru_cache(maxsize=1024)
def _day_of(local: date, tz: ZoneInfo) -> _Day:
    """A local day's bounds, worked out once: the API writes a month's starts and ends."""
    return _Day.of_date(local, tz)
