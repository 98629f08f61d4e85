"""WSGI entry point, used by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

application = get_wsgi_application()

if os.environ.get("CLINIC_BENCH") == "1":  # make bench only: /bench/hello, with no middleware
    from .bench import with_hello

    application = with_hello(application)
