"""Real-browser tests: Playwright for Python driving Debian's Chromium against `live_server`.

They run only with E2E=1 (`make e2e`, `bash scripts/e2e.sh`), so `make test` stays fast and
needs no browser. Each test seeds the demo clinic at the real current time: the live server
runs in another thread, so the clock cannot be frozen.
"""

import os

E2E = os.environ.get("E2E") == "1"
if E2E:
    # Sync Playwright runs an event loop in this thread; the ORM calls that seed and check
    # data in the same test would otherwise be refused as "async unsafe".
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def pytest_collection_modifyitems(config, items):
    if E2E:
        return
    skip = pytest.mark.skip(reason="real-browser tests: run with E2E=1 (make e2e)")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    """Run the test once at a desktop size and once at a phone size (390x844)."""
    return request.param


@pytest.fixture
def page(browser, viewport, live_server):
    """A fresh browser tab on the live server; fails the test on any console error, and on
    any request to another host (every asset is served by us).

    Console errors include Content-Security-Policy violations, so a stray inline script or
    style attribute fails here too.
    """
    context = browser.new_context(base_url=live_server.url, locale="en-US", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors = []
    elsewhere = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else elsewhere.append(r.url),
    )
    yield tab
    context.close()
    assert not elsewhere, f"requests to other hosts: {elsewhere}"
    # A 4xx page (a form with errors, a lost race) is logged by Chromium as a failed load.
    errors = [e for e in errors if "status of 4" not in e]
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture(scope="session")
def _screenshot_root():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def shoot(request, page, viewport, _screenshot_root):
    """shoot("03-confirm") saves a full-page PNG to artifacts/screenshots/<test>/<viewport>/."""
    folder = _screenshot_root / request.node.originalname.removeprefix("test_") / viewport
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        # Nothing may stick out sideways (WCAG 1.4.10 reflow): no horizontal scrolling. Against
        # the screen's width: a phone's browser widens its window (innerWidth) to fit a page
        # that sticks out, so the window itself cannot tell.
        overflow = page.evaluate(
            "(width) => document.documentElement.scrollWidth - width", page.viewport_size["width"]
        )
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px on {page.url}"
        return path

    return take


@pytest.fixture
def clinic(transactional_db):
    """The demo clinic (services, team, hours, bookings, articles) seeded at the real time."""
    from django.utils import timezone

    from bookings.demo import seed_clinic

    seed_clinic(now=timezone.now())
