"""Input no database can store is bad input: a 400 before any view or lookup sees it."""

from django.http import JsonResponse

from .views import bad_request

# PostgreSQL cannot hold a NUL in text; the driver raises on it, which would be a 500. No
# other character survives Django's decoding (invalid UTF-8 becomes U+FFFD) that it refuses.
UNSTORABLE = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _unstorable(query_dict) -> str | None:
    """The first parameter whose name or a value holds an unstorable character."""
    for name, values in query_dict.lists():
        if UNSTORABLE in name or any(UNSTORABLE in value for value in values):
            return name.replace(UNSTORABLE, "")
    return None


def unstorable_part(request) -> str | None:
    """Which part of the request cannot be stored: "path", a parameter's name, or None."""
    if UNSTORABLE in request.path_info:
        return "path"
    for name, value in request.COOKIES.items():
        if UNSTORABLE in name or UNSTORABLE in value:
            return "cookie"
    found = _unstorable(request.GET)
    if found is None and request.method == "POST" and request.content_type in FORM_TYPES:
        found = _unstorable(request.POST)
    return found


class RejectUnstorableInputMiddleware:
    """Answer 400 (JSON under /api/) when the path, a cookie or a parameter holds a NUL.

    Nothing is logged as an error: Django notes the 400 at WARNING, like any bad request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        part = unstorable_part(request)
        if part is None:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"error": "The request holds a character that is not allowed.", "parameter": part},
                status=400,
            )
        return bad_request(request)
