"""Markup worked out once per process (clinic/fragments.py): `{% once %}` and `{% token_url %}`."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import reverse

from bookings.models.tokens import new_manage_token
from clinic import fragments


def render(source: str, **context) -> str:
    return Template("{% load fragments %}" + source).render(Context(context))


def test_once_renders_its_body_once_per_key():
    source = '{% once "test-greeting" who %}Hello {{ who }}, {{ extra }}{% endonce %}'
    assert render(source, who="Ada", extra="first") == "Hello Ada, first"
    # The same key: the stored text, whatever else the context holds.
    assert render(source, who="Ada", extra="second") == "Hello Ada, first"
    # Another key: rendered afresh.
    assert render(source, who="Ben", extra="third") == "Hello Ben, third"


def test_once_is_rendered_every_time_with_debug_on():
    source = '{% once "test-debug" %}{{ n }}{% endonce %}'
    with override_settings(DEBUG=True):
        assert [render(source, n=n) for n in (1, 2)] == ["1", "2"]


def test_a_changed_setting_empties_the_store():
    source = '{% once "test-setting" %}{{ n }}{% endonce %}'
    assert render(source, n=1) == "1"
    with override_settings(CLINIC_TEST_SETTING=True):
        assert render(source, n=2) == "2"
    assert render(source, n=3) == "3"  # and again when the setting goes back


def test_the_store_keeps_the_fragments_used_last(monkeypatch):
    monkeypatch.setattr(fragments, "MAX_FRAGMENTS", 2)
    source = '{% once "test-bound" key %}{{ key }}{{ n }}{% endonce %}'
    for key in "abc":
        render(source, key=key, n=1)
    assert len(fragments._rendered) <= 2
    assert render(source, key="c", n=2) == "c1"  # kept
    assert render(source, key="a", n=2) == "a2"  # made room for the others


def test_once_output_is_escaped_as_the_body_was():
    source = '{% once "test-escape" %}<b>{{ text }}</b>{% endonce %}'
    assert render(source, text="<i>") == "<b>&lt;i&gt;</b>"
    assert render(source, text="<u>") == "<b>&lt;i&gt;</b>"


def test_once_needs_a_quoted_name():
    with pytest.raises(TemplateSyntaxError):
        render("{% once name %}x{% endonce %}")


@pytest.mark.parametrize(
    "name", ["bookings:manage", "bookings:cancel", "bookings:reschedule", "care:start"]
)
def test_token_url_is_what_reverse_writes(name):
    for token in [new_manage_token() for _ in range(20)] + ["-_-", "A"]:
        assert fragments.token_url(name, token) == reverse(name, args=[token])


def test_a_token_that_reverse_would_quote_is_reversed():
    for token in ["a b", "100%", "ü"]:
        assert fragments.token_url("bookings:manage", token) == reverse(
            "bookings:manage", args=[token]
        )


@override_settings(FORCE_SCRIPT_NAME="/clinic/")
def test_token_url_follows_the_url_prefix(rf):
    from django.urls import set_script_prefix

    set_script_prefix("/clinic/")
    try:
        url = fragments.token_url("bookings:manage", "abc")
        assert url == "/clinic/bookings/abc/" == reverse("bookings:manage", args=["abc"])
    finally:
        set_script_prefix("/")


@pytest.mark.django_db
def test_each_page_marks_its_own_menu_item_as_current(client):
    """The header is written once per page kind: the menu's current item is each page's own,
    whatever page came before."""
    menu = {
        "/services/": "Services",
        "/therapists/": "Therapists",
        "/articles/": "Articles",
        "/visit/": "Visit",
        "/my/": "My bookings",
    }
    for _ in range(2):
        for path, item in menu.items():
            page = client.get(path).content.decode()
            nav = page[page.index('<nav aria-label="Main"') : page.index("</nav>")]
            current = [line for line in nav.split("<li>") if 'aria-current="page"' in line]
            assert len(current) == 1 and f">{item}</a>" in current[0], (path, current)
        home = client.get("/").content.decode()
        assert 'aria-current="page"' not in home[: home.index("</header>")]


def test_once_keeps_a_fragment_per_language():
    from django.utils import translation

    source = (
        '{% load i18n %}{% once "test-language" %}{% get_current_language as code %}'
        "{{ code }}{% endonce %}"
    )
    for code in ("de", "fr", "de"):
        with translation.override(code):
            assert render(source) == code


def test_the_language_middleware_activates_the_sites_language(rf, settings):
    """Each request runs with LANGUAGE_CODE activated, as found (not as a fallback)."""
    from django.http import HttpResponse
    from django.utils import translation
    from django.utils.translation import trans_real

    from clinic.middleware import SiteLanguageMiddleware

    seen = []

    def view(request):
        active = getattr(trans_real._active, "value", None)
        seen.append(active.language() if active is not None else None)
        return HttpResponse()

    settings.LANGUAGE_CODE = "en-us"
    translation.deactivate()
    try:
        SiteLanguageMiddleware(view)(rf.get("/"))
        settings.LANGUAGE_CODE = "de"
        SiteLanguageMiddleware(view)(rf.get("/"))
    finally:
        translation.activate("en-us")
    assert seen == ["en-us", "de"]


def test_once_with_a_token_writes_each_pages_own_token_and_stores_none():
    source = (
        '{% once "test-token" state token=booking.token %}{{ state }}: '
        "{% token_url 'bookings:cancel' token %}{% endonce %}"
    )
    tokens = [new_manage_token() for _ in range(3)]
    for token in tokens:
        page = render(source, state="open", booking={"token": token})
        assert page == f"open: {reverse('bookings:cancel', args=[token])}"
    assert render(source, state="shut", booking={"token": tokens[0]}).startswith("shut: ")
    stored = " ".join(fragments._rendered.values())
    assert "open: " in stored and not any(token in stored for token in tokens)


def test_once_renders_a_token_it_cannot_write_in_as_it_is():
    source = '{% once "test-odd-token" token=booking.token %}[{{ token }}]{% endonce %}'
    assert render(source, booking={"token": "a<b"}) == "[a&lt;b]"
    assert render(source, booking={"token": "ok-token"}) == "[ok-token]"
    assert render(source, booking={"token": "a b"}) == "[a b]"
    assert not any("a b" in text or "a&lt;b" in text for text in fragments._rendered.values())


def test_once_with_a_token_is_rendered_every_time_with_debug_on():
    source = '{% once "test-token-debug" token=booking.token %}{{ token }}{{ n }}{% endonce %}'
    with override_settings(DEBUG=True):
        assert [render(source, n=n, booking={"token": "t"}) for n in (1, 2)] == ["t1", "t2"]
