"""clinic/http.py: `never_cache` writes what Django's writes."""

import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache as django_never_cache

from clinic.http import add_never_cache, never_cache

HEADERS = ("Cache-Control", "Expires")


def headers(response) -> dict:
    return {name: response.get(name) for name in HEADERS}


def responses(**headers):
    ours, django = HttpResponse("x", headers=headers), HttpResponse("x", headers=headers)
    add_never_cache(ours)
    add_never_cache_headers(django)
    return ours, django


@time_machine.travel("2026-12-08 17:00:00.75+00:00", tick=False)
def test_it_writes_the_headers_django_writes():
    ours, django = responses()
    assert headers(ours) == headers(django)
    assert ours["Expires"] == "Tue, 08 Dec 2026 17:00:00 GMT"
    assert ours["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@time_machine.travel("2026-12-08 17:00:00+00:00", tick=False)
def test_headers_already_there_are_merged_as_django_merges_them():
    for given in (
        {"Cache-Control": "public, max-age=600"},
        {"Expires": "Tue, 08 Dec 2026 18:00:00 GMT"},
        {"Cache-Control": "private", "Expires": "Tue, 08 Dec 2026 18:00:00 GMT"},
    ):
        ours, django = responses(**given)
        assert headers(ours) == headers(django), given


def test_the_decorator_answers_as_djangos_does():
    def view(request):
        return HttpResponse("x")

    request = RequestFactory().get("/")
    with time_machine.travel("2026-12-08 17:00:00+00:00", tick=False):
        ours, django = never_cache(view)(request), django_never_cache(view)(request)
    assert headers(ours) == headers(django)
    assert never_cache(view).__name__ == "view"


@time_machine.travel("2026-12-08 17:00:00+00:00", tick=False)
def test_the_expiry_follows_the_clock():
    first, _ = responses()
    with time_machine.travel("2026-12-08 17:00:05+00:00", tick=False):
        later, _ = responses()
    assert first["Expires"] != later["Expires"] == "Tue, 08 Dec 2026 17:00:05 GMT"
