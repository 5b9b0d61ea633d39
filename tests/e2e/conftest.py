"""Browser fixtures: Debian's Chromium driven by Playwright against the live test server.

Playwright's own browser download does not work here, so we launch
/usr/bin/chromium with the flags a closed network needs. axe-core comes from
the npm registry (tests/e2e/package.json) and is injected into each page.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import IN_CI

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the
# tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR.parent / "artifacts"
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.e2e


def _missing(what: str):
    if IN_CI:
        pytest.fail(f"{what} missing")
    pytest.skip(f"{what} missing")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        print(f"\nChromium {browser.version}")
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = console_errors
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport={"width": 375, "height": 812},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Full-page PNG under tests/artifacts/screenshots, for a reviewer."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = folder / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; return the violations of the given impacts."""
    if not AXE_JS.exists():
        _missing(f"axe-core at {AXE_JS} (npm install in tests/e2e)")
    # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays on.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
