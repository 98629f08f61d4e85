"""Clinic time in templates: every time a client sees carries the zone's name."""

from django import template

from .. import times

register = template.Library()


@register.simple_tag
def clinic_zone():
    """The clinic's zone as people say it, e.g. "Mountain Time"."""
    return times.zone_name()


@register.filter
def clinic_when(value):
    """'Tuesday, December 1, 2026 at 10:00 AM MST'."""
    return times.client_when(value) if value else ""


@register.filter
def clinic_clock(value):
    """'10:00 AM'."""
    return times.client_clock(value) if value else ""
