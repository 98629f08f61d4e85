"""`make bench` only (CLINIC_BENCH=1): the hello-world baseline that page figures are ratios to.

`/bench/hello` is served by Django's own WSGI handler with no middleware at all: the request
is built, its URL resolved and the view called, nothing else. `/bench/bare` (the same view
behind settings.MIDDLEWARE) then measures what the middleware stack costs.
"""

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler

HELLO_PATH = "/bench/hello"


def enabled() -> bool:
    return os.environ.get("CLINIC_BENCH") == "1"


class NoMiddlewareHandler(WSGIHandler):
    """Django's WSGI handler with an empty middleware chain."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


def with_hello(application):
    """`application`, except that `/bench/hello` goes to the handler without middleware."""
    hello = NoMiddlewareHandler()

    def dispatch(environ, start_response):
        handler = hello if environ.get("PATH_INFO") == HELLO_PATH else application
        return handler(environ, start_response)

    return dispatch
