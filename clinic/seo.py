"""Search-engine helpers shared by the site's pages: absolute URLs and JSON-LD."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def absolute_url(path: str) -> str:
    """A site path (or an already absolute URL, e.g. media on a CDN) as an absolute URL."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def json_ld(data: dict) -> SafeString:
    """Serialise structured data for a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    # Safe: no <, > or & is left, so the text cannot end the element or start markup.
    return mark_safe(text)  # nosec B308 B703
