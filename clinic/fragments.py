"""What pages write the same way every time, worked out once per process: `{% once %}`,
markup rendered once and reused, and `{% token_url %}`, a private link's URL.

The site's header, footer and head links are the same on every page but for which menu item
is current; rendering them means thirteen URL reversals, eight static-file lookups and the
opening hours' loop on every request, about a third of a light page's time. `{% once %}`
renders its body the first time it meets a key and then writes the stored text:

    {% load fragments %}
    {% once "header" nav %} ... {% endonce %}

The key is the quoted name and the values after it, plus the active language and the URL
prefix. The body must depend on nothing else: settings, `{% url %}` without per-request
arguments, `{% static %}` and the key's own values (a version that moves on whenever what
the body shows changes will do, as the clinic setup's edition does for a therapist's face).
Never put a form, a CSRF token, a user or a record inside. The store is per process and
bounded (the fragment used longest ago makes room), emptied when a setting changes (tests),
and not used with DEBUG on, so a template edited in development shows at once.

A booking's private link is the one exception, as `token=`: a part of the booking's page
that is the same for every booking in the same state but for its links,

    {% once "health-box" health.state token=booking.token %}
      <a href="{% token_url 'care:start' token %}">...</a>
    {% endonce %}

is rendered with a stand-in for `token` and stored without it; each page writes its own
token into the stored text. Only a URL-safe token is written in (`secrets.token_urlsafe`'s
alphabet, which needs no escaping in HTML); any other is rendered afresh. So what is stored
is the same for everyone: nothing of a person, their booking or their token.

`{% token_url "bookings:cancel" booking.token %}` writes what `{% url %}` would, for a URL
whose one argument is a token from `secrets.token_urlsafe`: the URL is reversed once per
name with a marker, and the marker replaced. A booking's page writes five such links, and
each `{% url %}` costs tens of microseconds.
"""

import functools
import re
import secrets
from collections import OrderedDict

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

# Enough for every page's header, the score buttons' combinations and the therapists' faces
# many times over.
MAX_FRAGMENTS = 512
_rendered: OrderedDict[tuple, SafeString] = OrderedDict()


@receiver(setting_changed)
def forget(**kwargs) -> None:
    """The stored fragments are built from settings: drop them when one changes."""
    _rendered.clear()
    _url_around.cache_clear()


class OnceNode(template.Node):
    # Its body is hidden from template inheritance, which walks every page's tree for its
    # blocks on each render: a `{% block %}` inside `{% once %}` would be rendered once too.
    child_nodelists = ()

    def __init__(self, name: str, parts: list, nodelist, token=None):
        self.name = name
        self.parts = parts
        self.nodelist = nodelist
        self.private_token = token  # a FilterExpression: a booking's private token, or None

    def render(self, context) -> str:
        place = _place(context)
        if self.private_token is None:
            return self._stored(context, None, place)
        token = self.private_token.resolve(context)
        if place[2] or not (isinstance(token, str) and URL_SAFE_TOKEN.fullmatch(token)):
            with context.push(token=token):  # rendered as it is, not stored
                return self.nodelist.render(context)
        with context.push(token=_TOKEN_STAND_IN):
            text = self._stored(context, token, place)
        # A URL-safe token needs no escaping.
        return SafeString(text.replace(_TOKEN_STAND_IN, token))  # nosec B703

    def _stored(self, context, token: str | None, place: tuple) -> SafeString:
        language, prefix, debug = place
        if debug:
            return self.nodelist.render(context)
        values = tuple(part.resolve(context) for part in self.parts)
        key = (self.name, language, prefix, token is not None, *values)
        text = _rendered.get(key)
        if text is None:
            # Rendered, and escaped, by the template engine; kept marked as such.
            text = _rendered[key] = SafeString(self.nodelist.render(context))  # nosec B703
            if len(_rendered) > MAX_FRAGMENTS:
                _rendered.popitem(last=False)
        else:
            _rendered.move_to_end(key)
        return text


_PLACE = "clinic.fragments.place"


def _place(context) -> tuple[str, str, bool]:
    """The active language, the URL prefix and settings.DEBUG, read once per render: each
    read goes through a context-local variable or the lazy settings object, and a page may
    hold a dozen `{% once %}` and private links. The first dictionary of the render context
    lasts the whole render, includes too."""
    root = context.render_context.dicts[0]
    place = root.get(_PLACE)
    if place is None:
        place = root[_PLACE] = (get_language(), get_script_prefix(), settings.DEBUG)
    return place


@register.tag
def once(parser, token):
    """{% once "name" value ... %}body{% endonce %}: see the module's docstring."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("{% once %} needs a quoted name first.")
    token = None
    if bits[-1].startswith("token="):
        token = parser.compile_filter(bits.pop()[len("token=") :])
    parts = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(bits[1][1:-1], parts, nodelist, token)


# What `secrets.token_urlsafe` writes: `reverse` would write it unchanged.
URL_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
# What `{% once ... token= %}` renders in the token's place: URL-safe, and new each process,
# so no template or stored text can hold it by chance.
_TOKEN_STAND_IN = f"tokenStandIn{secrets.token_hex(12)}"
_MARKER = "TOKEN-MARKER"


@functools.lru_cache(maxsize=64)
def _url_around(name: str, prefix: str) -> tuple[str, str]:
    """The URL named `name` with a marker for its token, split around the marker."""
    before, marker, after = reverse(name, args=[_MARKER]).partition(_MARKER)
    if not marker:
        raise ValueError(f"{name} does not write its argument as it is.")
    return before, after


def token_url(name: str, token: str, *, prefix: str | None = None) -> str:
    """`reverse(name, args=[token])` for a URL-safe token, without reversing each time.
    `prefix`: the URL prefix, when the caller has read it already."""
    if not URL_SAFE_TOKEN.fullmatch(token):
        return reverse(name, args=[token])
    before, after = _url_around(name, get_script_prefix() if prefix is None else prefix)
    return before + token + after


@register.simple_tag(takes_context=True, name="token_url")
def token_url_tag(context, name: str, token: str) -> str:
    return token_url(name, token, prefix=_place(context)[1])
