import pytest

from articles.markdown import render_markdown
from articles.models import Article

HOSTILE = """\
Hello <script>alert("script")</script>

<img src=x onerror=alert(1)>

[click me](javascript:alert(1)) and [again](JaVaScRiPt:alert(2))

<a href="javascript:alert(3)" onclick="alert(4)">raw link</a>

<p style="color: red" onmouseover="alert(5)">styled</p>

<iframe src="https://evil.example/"></iframe><svg onload="alert(6)"></svg>
"""


def test_hostile_markdown_renders_harmless():
    html = render_markdown(HOSTILE).lower()

    assert "<script" not in html
    assert "alert(" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "onmouseover" not in html
    assert "onload" not in html
    assert "javascript:" not in html
    assert "style=" not in html
    assert "<iframe" not in html
    assert "<svg" not in html
    # The harmless text survives.
    assert "click me" in html
    assert "raw link" in html
    assert "styled" in html


def test_everyday_formatting_survives():
    html = render_markdown(
        "## Heading\n\n"
        "Some *emphasis* and **strong** words, `code` and a [link](/book/sciatica-60/).\n\n"
        "- one\n- two\n\n"
        "1. first\n2. second\n\n"
        "> A quote\n\n"
        "![A therapist at work](/media/articles/photo.jpg)\n"
    )

    assert "<h2>Heading</h2>" in html
    assert "<em>emphasis</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<code>code</code>" in html
    assert '<a href="/book/sciatica-60/">link</a>' in html
    assert "<ul>" in html
    assert "<ol>" in html
    assert "<blockquote>" in html
    assert 'alt="A therapist at work"' in html
    assert 'src="/media/articles/photo.jpg"' in html


def test_https_and_mailto_links_are_kept():
    html = render_markdown("[site](https://example.com/) [mail](mailto:hello@example.com)")

    assert 'href="https://example.com/"' in html
    assert 'href="mailto:hello@example.com"' in html


def test_data_urls_are_dropped():
    html = render_markdown("![pixel](data:image/png;base64,AAAA)")

    assert "data:" not in html


@pytest.mark.django_db
def test_body_html_is_rendered_on_every_save(make_article):
    article = make_article(body="First *version*")
    assert "<em>version</em>" in article.body_html

    article.body = "Second <script>alert(1)</script>**version**"
    article.save(update_fields=["body"])

    article.refresh_from_db()
    assert "<strong>version</strong>" in article.body_html
    assert "script" not in article.body_html
    assert Article.objects.get(pk=article.pk).body_html == article.body_html
