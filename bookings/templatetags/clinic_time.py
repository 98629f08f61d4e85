"""Clinic time in templates: every time a client sees carries the zone's name."""

from django import template
from django.conf import settings
from django.utils import dateformat

from ..schedules import clinic_tz

register = template.Library()

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


def zone_name() -> str:
    return ZONE_NAMES.get(settings.TIME_ZONE, settings.TIME_ZONE)


@register.simple_tag
def clinic_zone():
    """The clinic's zone as people say it, e.g. "Mountain Time"."""
    return zone_name()


@register.filter
def clinic_when(value):
    """'Tuesday, December 1, 2026 at 10:00 AM MST'."""
    if not value:
        return ""
    local = value.astimezone(clinic_tz())
    return dateformat.format(local, r"l, F j, Y \a\t g:i A T")


@register.filter
def clinic_clock(value):
    """'10:00 AM'."""
    if not value:
        return ""
    return dateformat.format(value.astimezone(clinic_tz()), "g:i A")
