"""clinic/csrf.py: pages carry Django's CSRF token, drawn in one read of the random source."""

import re
from collections import Counter

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import Client, RequestFactory

from clinic import csrf

draw = csrf.random_chars

SAME_PAGE = "https://testserver/my/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Source:
    """A stand-in for the system's random source: hands out `chunks` in turn, and counts."""

    def __init__(self, *chunks: bytes):
        self.chunks = list(chunks)
        self.reads = 0

    def __call__(self, count: int) -> bytes:
        self.reads += 1
        chunk = self.chunks.pop(0)
        return chunk[:count]


def test_each_character_is_equally_likely_and_bytes_past_the_last_whole_alphabet_are_drawn_again():
    kept = bytes(range(248))  # 248 = 4 * 62: each character four times
    refused = bytes(range(248, 256))
    source = Source(refused + kept[:120], kept[120:] + bytes(8))
    chars = csrf.random_chars(len(kept), source=source)
    assert Counter(chars) == {char: 4 for char in CSRF_ALLOWED_CHARS}
    assert chars == "".join(CSRF_ALLOWED_CHARS[byte % 62] for byte in kept)
    assert source.reads == 2  # the refused bytes were made up by a second read


def test_one_read_is_enough_when_no_byte_is_refused():
    source = Source(bytes(range(100)))
    assert csrf.random_chars(64, source=source) == "".join(
        CSRF_ALLOWED_CHARS[byte % 62] for byte in range(64)
    )
    assert source.reads == 1


def test_a_visitor_without_the_cookie_gets_a_new_secret_and_a_token_that_hides_it():
    request = RequestFactory().get("/")
    token = csrf.get_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == 32 and set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
    assert secret not in token
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_returning_visitors_secret_is_kept_and_each_token_is_masked_afresh():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret = "a" * 16 + "Z9" * 8
    first, second = csrf.get_token(request), csrf.get_token(request)
    assert request.META["CSRF_COOKIE"] == secret
    assert _unmask_cipher_token(first) == _unmask_cipher_token(second) == secret
    assert first != second
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


@pytest.mark.django_db
def test_the_pages_token_is_accepted_by_djangos_check_and_a_changed_one_is_not(
    django_capture_on_commit_callbacks, monkeypatch
):
    drawn = []
    monkeypatch.setattr(csrf, "random_chars", lambda count: drawn.append(count) or draw(count))
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/my/", secure=True)
    assert drawn == [64]  # the secret and the mask, drawn here at once
    token = TOKEN.search(page.content.decode()).group(1)
    assert _unmask_cipher_token(token) == page.cookies["csrftoken"].value
    changed = token[:40] + ("b" if token[40] == "a" else "a") + token[41:]

    def post(**token):  # from the page itself, as a browser sends it over HTTPS
        data = {"email": "ruth@example.com", **token}
        return browser.post("/my/", data, secure=True, headers={"referer": SAME_PAGE})

    assert post().status_code == 403
    assert post(csrfmiddlewaretoken=changed).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert post(csrfmiddlewaretoken=token).status_code == 302
