"""Clinic time in templates: every time a client sees carries the zone's name."""

from html import escape

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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
    in one go: a day can offer dozens). Every value is escaped, as format_html would."""
    url, day = conditional_escape(confirm_url), conditional_escape(day_name)
    # Every part is escaped, above or in the f-string.
    return mark_safe(  # nosec B308 B703
        "\n".join(
            f'<li><a href="{url}?{escape(time.query)}">{escape(time.label)}'
            f'<span class="visually-hidden"> {day}</span></a></li>'
            for time in free_times
        )
    )
