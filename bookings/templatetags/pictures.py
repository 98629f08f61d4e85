"""Photos in templates: responsive <picture> elements, faces (a headshot or an avatar with
initials) and star ratings."""

import zlib

from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()

# Calm, dark tones: white initials on each keep a contrast above 7:1.
AVATAR_COLOURS = ["#0b5d5b", "#5b3f7a", "#7a3f22", "#24507a", "#3f5a23", "#6b2d45"]


@register.inclusion_tag("includes/_picture.html")
def picture(photo, *, sizes, css="", lazy=True, high=False):
    """A photo's WebP and JPEG sets, with its width and height so nothing shifts on load."""
    return {"photo": photo, "sizes": sizes, "css": css, "lazy": lazy, "high": high}


def headshot_of(therapist):
    try:
        headshot = therapist.headshot
    except ObjectDoesNotExist:
        return None
    return headshot if headshot.has_image else None


def initials(name: str) -> str:
    parts = [part for part in name.split() if part[:1].isalpha()]
    if not parts:
        return "?"
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


@register.inclusion_tag("includes/_face.html")
def face(therapist, *, size=96, sizes=None, lazy=True):
    """The therapist's headshot, or a friendly avatar with their initials when they have none.

    Beside the therapist's name, so the avatar is decorative; a headshot keeps its alt text.
    """
    colour = AVATAR_COLOURS[zlib.crc32(therapist.slug.encode()) % len(AVATAR_COLOURS)]
    return {
        "therapist": therapist,
        "headshot": headshot_of(therapist),
        "initials": initials(therapist.name),
        "colour": colour,
        "size": size,
        "sizes": sizes or f"{size}px",
        "lazy": lazy,
    }


@register.inclusion_tag("includes/_stars.html")
def stars(rating):
    """Five stars for a rating (an average is rounded to the nearest star), read out as text
    ("4.7 out of 5")."""
    value = round(float(rating), 1)
    filled = int(value + 0.5)
    spoken = f"{value:.1f}".removesuffix(".0")
    return {"rating": spoken, "filled": "★" * filled, "empty": "☆" * (5 - filled)}
