"""Absolute links follow the running site: `PORT=8100 make run` links to port 8100."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SHOW = (
    "import django; django.setup(); "
    "from django.conf import settings; from clinic.seo import absolute_url; "
    "print(absolute_url('/articles/'))"
)


def site_url(**env) -> str:
    environment = {
        key: value for key, value in os.environ.items() if key not in {"PORT", "SITE_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "clinic.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:8000/articles/"),
        ({"PORT": "8100"}, "http://127.0.0.1:8100/articles/"),
        (
            {"PORT": "8100", "SITE_URL": "https://www.rimrockmassage.example/"},
            "https://www.rimrockmassage.example/articles/",
        ),
    ],
)
def test_absolute_links_follow_the_port_unless_the_site_url_is_set(env, expected):
    assert site_url(**env) == expected
