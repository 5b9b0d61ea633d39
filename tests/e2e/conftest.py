"""Browser fixtures: Debian's Chromium driven by Playwright against the live test server.

Playwright's own browser download does not work here, so we launch
/usr/bin/chromium with the flags a closed network needs. axe-core comes from
the npm registry (tests/e2e/package.json) and is injected into each page.
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest


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
    pytest.skip(f"{what} missing")  # a failure in CI (tests/conftest.py: fail_skips_in_ci)


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


def _new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = console_errors
    page.base_url = live_server.url
    return page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _keep_failure_screenshots(request, pages, label: str) -> None:
    """A failed journey leaves a picture of every open tab under tests/artifacts/failures."""
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    folder = ARTIFACTS / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    for n, failed in enumerate(p for page in pages for p in page.context.pages):
        try:
            failed.screenshot(path=str(folder / f"{request.node.name}-{label}-{n}.png"), full_page=True)
        except Exception:  # a closed or crashed tab: nothing to keep
            pass


@pytest.fixture
def page(browser, live_server, request):
    page = _new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    _keep_failure_screenshots(request, [page], "page")
    page.context.close()


@pytest.fixture
def mobile_page(browser, live_server, request):
    page = _new_page(browser, live_server, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    yield page
    _keep_failure_screenshots(request, [page], "375px")
    page.context.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """More browser sessions in one test (a second member, a moderator): ``new_page()`` -> a 1280 px page."""
    pages = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        pages.append(_new_page(browser, live_server, **options))
        return pages[-1]

    yield make
    _keep_failure_screenshots(request, pages, "extra")
    for extra in pages:
        extra.context.close()


def tick(checkbox, on: bool = True) -> None:
    """Bootstrap Italia draws a checkbox on its label: click the label, as people do."""
    from playwright.sync_api import expect

    if checkbox.is_checked() != on:
        checkbox.page.locator(f'label[for="{checkbox.get_attribute("id")}"]').click()
    expect(checkbox).to_be_checked(checked=on)


# --- the server side of the journeys --------------------------------------------------------------
@pytest.fixture(scope="session")
def _media_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e-media")


@pytest.fixture(autouse=True)
def _e2e_settings(settings, live_server, _media_root):
    """What the live server needs in a browser test.

    Absolute links in mails point at the live server; uploads go to a throwaway folder;
    Elasticsearch is off (database search) unless the test asks for ``search_index``.
    """
    from search.engine import client as search_client

    settings.PUBLIC_BASE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.MEDIA_ROOT = str(_media_root)
    settings.ELASTICSEARCH_URLS = []
    search_client.reset()
    yield
    search_client.reset()


@pytest.fixture
def demo():
    """The demo content of ``manage.py load_demo``, committed in each test (the live server reads it from
    another connection). Loaded once; later tests get the same rows back by COPY (tests/support/db_snapshot.py)."""
    from django.core.management import call_command

    from tests.support.db_snapshot import load_once

    load_once("demo", lambda: call_command("load_demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO()))
    from cms.demo.site import build_tree

    return build_tree()  # idempotent: {slug: index page}


class SearchIndex:
    """This test's Elasticsearch index, built with the search app's own reindex command."""

    def __init__(self, prefix: str):
        from search.engine.versions import VersionedIndex

        self.index = VersionedIndex(prefix=prefix)

    def rebuild(self) -> str:
        from django.core.management import call_command

        out = io.StringIO()
        call_command("search_reindex", "--no-progress", stdout=out, stderr=io.StringIO())
        self.refresh()
        return out.getvalue()

    def refresh(self) -> None:
        if self.index.read_indices():
            self.index.client.indices.refresh(index=self.index.read_alias)

    def page_ids(self) -> set[int]:
        self.refresh()
        response = self.index.client.search(index=self.index.read_alias, size=1000, source=False)
        return {int(hit["_id"]) for hit in response["hits"]["hits"]}


@pytest.fixture
def search_index(shared_elasticsearch, settings):
    """Elasticsearch on for this test with a unique index prefix (tests/conftest.py's ``shared_elasticsearch``,
    which drops it at the end); ``.rebuild()`` indexes the database."""
    return SearchIndex(settings.ELASTICSEARCH_INDEX_PREFIX)


# --- people ----------------------------------------------------------------------------------------------
PASSWORD = "Pratica-di-comunita-2025"


@pytest.fixture
def make_user():
    """make_user(email, roles=("Operatore",), verified=True, **fields) -> a user with a verified address."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(email, roles=(), verified=True, **fields):
        fields.setdefault("first_name", email.split("@")[0].split(".")[0].capitalize())
        fields.setdefault("last_name", "Prova")
        user = get_user_model().objects.create_user(username=email.split("@")[0], email=email, password=PASSWORD, **fields)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
        for role in roles:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


def login_as(page, user) -> None:
    """Log ``user`` in to the page's browser context with a real session (no login form to replay)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.base_url}])


# --- mail ----------------------------------------------------------------------------------------------------
URL = re.compile(r"https?://[^\s<>\"')]+")


def text_of(message) -> str:
    """The plain-text part of a received message."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def links_in(message, containing: str = "") -> list[str]:
    return [url.rstrip(".,;") for url in URL.findall(text_of(message)) if containing in url]


def screenshot(page, name: str) -> Path:
    """Full-page PNG under tests/artifacts/screenshots, for a reviewer."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = folder / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE_REPORT: dict[str, dict] = {}


@pytest.fixture(scope="session", autouse=True)
def _axe_report():
    """Write what axe found on each template to tests/artifacts/axe-report.json (for the reviewer)."""
    yield
    if AXE_REPORT:
        write_axe_report(ARTIFACTS / "axe-report.json", AXE_REPORT)


def write_axe_report(path: Path, found: dict[str, dict]) -> None:
    """Add what this process found to the report; under pytest-xdist the other processes of the
    same run (same ``PYTEST_XDIST_TESTRUNUID``) add theirs, and entries of older runs are dropped."""
    import fcntl
    import json

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        report = {}
        if run and path.exists():
            try:
                report = {k: v for k, v in json.loads(path.read_text()).items() if v.get("run") == run}
            except (ValueError, AttributeError):
                report = {}
        report.update({template: {**entry, "run": run} for template, entry in found.items()})
        path.write_text(json.dumps(report, indent=1, ensure_ascii=False, sort_keys=True))


def check_a11y(page, template: str, within: str | None = None) -> list[dict]:
    """axe's serious and critical violations on the page (or the part ``within`` a selector), recorded
    under the template's name."""
    violations = axe_violations(page, within=within)
    AXE_REPORT[template] = {"url": page.url.replace(page.base_url, ""), "violations": violations}
    return violations


def axe_violations(page, impacts=("serious", "critical"), within: str | None = None) -> list[dict]:
    """Run axe-core in the page; return the violations of the given impacts."""
    if not AXE_JS.exists():
        _missing(f"axe-core at {AXE_JS} (npm install in tests/e2e)")
    # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays on.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async within => await axe.run(within ? document.querySelector(within) : document, {resultTypes: ['violations']})",
        within,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5],
         "why": (v["nodes"][0].get("failureSummary") or "")[:300] if v["nodes"] else ""}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


# --- files ---------------------------------------------------------------------------------------------------
def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

