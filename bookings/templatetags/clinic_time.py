"""Clinic time in templates: every time a client sees carries the zone's name."""

from django import template
from django.utils.html import format_html_join

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


@register.simple_tag
def time_links(free_times, confirm_url, day_name):
    """The time picker's free times as list items, each a link to the confirm step (written
    in one go: a day can offer dozens)."""
    return format_html_join(
        "\n",
        '<li><a href="{}?{}">{}<span class="visually-hidden"> {}</span></a></li>',
        ((confirm_url, time.query, time.label, day_name) for time in free_times),
    )
