"""Markdown to sanitised HTML for article bodies.

Editors write Markdown; Python-Markdown passes raw HTML through untouched, so every result
goes through nh3 (an allow-list sanitiser) before it reaches a page. Scripts, styles, event
handlers, inline `style=` attributes (the site runs under a strict Content-Security-Policy)
and `javascript:`/`data:` URLs never survive.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6",
    "p", "br", "hr",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "em", "strong", "b", "i", "del", "sup", "sub", "abbr",
    "blockquote", "code", "pre",
    "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "abbr": {"title"},
    "th": {"scope"},
}

# Relative links (/book/...) pass through; absolute ones only with these schemes.
URL_SCHEMES = {"http", "https", "mailto", "tel"}

EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


def render_markdown(text: str) -> str:
    """Render an editor's Markdown to HTML that is safe to mark safe in a template."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        # Editors are staff and links cannot open new windows (no `target`), so no rel needed.
        link_rel=None,
        set_tag_attribute_values={
            # Bootstrap classes so tables and images fit a phone screen.
            "table": {"class": "table"},
            "img": {"class": "img-fluid", "loading": "lazy"},
        },
    )
