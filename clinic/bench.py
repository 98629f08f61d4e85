"""`make bench` only (CLINIC_BENCH=1): the hello-world baseline that page figures are ratios to.

`/bench/hello` is served by Django's own WSGI handler with no middleware at all: the request
is built, its URL resolved and the view called, nothing else. `/bench/bare` (the same view
behind settings.MIDDLEWARE) then measures what the middleware stack costs, and
`/bench/stock` (the same view behind the middleware list of Django's `startproject`, under
the site's settings) what Django's own default stack costs on the same machine, for
comparison.
"""

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings

HELLO_PATH = "/bench/hello"
STOCK_PATH = "/bench/stock"
# What `django-admin startproject` writes into a new project's settings (Django 5.2).
STOCK_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def enabled() -> bool:
    return os.environ.get("CLINIC_BENCH") == "1"


class NoMiddlewareHandler(WSGIHandler):
    """Django's WSGI handler with an empty middleware chain."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


def stock_handler() -> WSGIHandler:
    """Django's WSGI handler with the middleware of a new project (the chain is built once,
    when the handler is made)."""
    with override_settings(MIDDLEWARE=STOCK_MIDDLEWARE):
        return WSGIHandler()


def with_hello(application):
    """`application`, except that `/bench/hello` goes to the handler without middleware and
    `/bench/stock` to the one with Django's default middleware."""
    handlers = {HELLO_PATH: NoMiddlewareHandler(), STOCK_PATH: stock_handler()}

    def dispatch(environ, start_response):
        handler = handlers.get(environ.get("PATH_INFO"), application)
        return handler(environ, start_response)

    return dispatch
