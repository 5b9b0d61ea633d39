"""Front-end budgets on a phone, per template, held by the browser's own measurements (no timings).

The portal runs as production does (gunicorn, WhiteNoise, DEBUG off, demo content:
tests/support/page_tour.py); Debian's Chromium opens each template's page in a fresh context
(a first visit: empty cache) at 375 px and reports, through the Resource Timing and Layout
Instability APIs, the bytes that came over the wire, which resources held up the first render,
and how much the layout shifted. Budgets from issue #21: <= 200 KB per first visit, JavaScript
<= 60 KB compressed, no render-blocking script, cumulative layout shift < 0.05, every image and
chart with its dimensions. ``make bench`` runs Lighthouse on the same pages (bench/lighthouse.py).
"""
from __future__ import annotations


import pytest

from tests.support.app_server import ROOT
from tests.support.page_tour import production_site

pytestmark = pytest.mark.e2e

KB = 1000
FIRST_VISIT_BUDGET = 200 * KB
JS_BUDGET = 60 * KB
CSS_BUDGET = 30 * KB
CLS_BUDGET = 0.05
FONT_DELAY_MS = 800  # how long the web fonts are held back after the first frame drawn in the fallbacks

# Before any page script: the layout shifts the browser reports, as Lighthouse counts them (not after input).
_OBSERVE_SHIFTS = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) window.__cls += entry.value; }
}).observe({type: "layout-shift", buffered: true});
"""

# Once the page has loaded, its fonts are in and two frames have been drawn: what came over the wire.
_MEASURE = """
async () => {
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource").map((r) => ({
    url: r.name, type: r.initiatorType, bytes: r.transferSize, blocking: r.renderBlockingStatus,
  }));
  const undimensioned = [...document.querySelectorAll("img, svg[role=img]")]
    .filter((el) => !(el.getAttribute("width") && el.getAttribute("height")))
    .map((el) => el.outerHTML.slice(0, 120));
  const parserBlocking = [...document.querySelectorAll("script")]
    .filter((s) => (!s.type || s.type === "text/javascript") && !(s.src && (s.defer || s.async)))
    .map((s) => s.src || s.textContent.slice(0, 80));
  return {html: nav.transferSize, resources, cls: window.__cls, undimensioned, parserBlocking};
}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with production_site(tmp_path_factory.mktemp("budgets") / "var") as running:
        yield running


@pytest.fixture(scope="module")
def measured(site, browser):
    """{template label: what the browser measured on a first visit at 375 px} (the e2e tier's one Chromium:
    a second Playwright in the same process is refused while the session's is open)."""
    base, urls = site
    readings = {}
    for label, path in urls.items():
        context = browser.new_context(
            base_url=base, locale="it-IT", viewport={"width": 375, "height": 812}, is_mobile=True,
            has_touch=True, device_scale_factor=2,
        )
        try:
            page = context.new_page()
            page.add_init_script(_OBSERVE_SHIFTS)
            response = page.goto(path, wait_until="load")
            assert response is not None and response.status == 200, (label, path)
            page.wait_for_load_state("networkidle")
            readings[label] = {"path": path, **page.evaluate(_MEASURE)}
        finally:
            context.close()
    return readings


@pytest.fixture(scope="module")
def measured_late_fonts(site, browser):
    """{template label: what the browser measured at Lighthouse's 412 px phone when the web fonts come late}.

    Every .woff2 request is held until the page has been drawn in the fallback fonts and FONT_DELAY_MS more
    have passed, then let through: the swap happens on a laid-out page, as on a slow mobile connection."""
    base, urls = site
    readings = {}
    for label, path in urls.items():
        context = browser.new_context(
            base_url=base, locale="it-IT", viewport={"width": 412, "height": 823}, is_mobile=True,
            has_touch=True, device_scale_factor=1.75,
        )
        held, released = [], []

        def hold(route):
            (route.continue_() if released else held.append(route))

        try:
            page = context.new_page()
            page.add_init_script(_OBSERVE_SHIFTS)
            page.route("**/*.woff2", hold)
            # not "load": the load event waits for the fonts held here
            response = page.goto(path, wait_until="domcontentloaded")
            assert response is not None and response.status == 200, (label, path)
            page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
            page.wait_for_timeout(FONT_DELAY_MS)
            released.append(True)
            late = len(held)
            for route in held:
                route.continue_()
            page.wait_for_load_state("load")
            page.wait_for_load_state("networkidle")
            reading = page.evaluate(_MEASURE)
            loaded = page.evaluate(  # the web faces drawn at the end (not the local fallbacks)
                "() => [...document.fonts].filter((f) => f.status === 'loaded' && !/Fallback/.test(f.family)).length")
            readings[label] = {"path": path, "late": late, "loaded": loaded, **reading}
        finally:
            context.close()
    return readings


def _table(measured, value) -> str:
    return "\n".join(f"  {label:<20} {value(r)}" for label, r in measured.items())


def test_every_template_is_measured(measured):
    """The tour covers the home, the listings, the detail types, search, a zona and the newsletter."""
    labels = set(measured)
    assert {"home", "search", "zona", "newsletter"} <= labels
    assert sum(label.startswith("listing ") for label in labels) >= 5
    assert sum(label.startswith("detail ") for label in labels) >= 5


def test_first_visit_stays_within_200_kb(measured):
    totals = {label: r["html"] + sum(x["bytes"] for x in r["resources"]) for label, r in measured.items()}
    print("bytes transferred on a first visit:\n" + _table(measured, lambda r: totals[_label(measured, r)]))
    over = {label: total for label, total in totals.items() if total > FIRST_VISIT_BUDGET}
    assert not over, f"over {FIRST_VISIT_BUDGET} bytes: {over}"
    assert all(total > 10 * KB for total in totals.values())  # the measure counts real bytes


def test_javascript_and_css_stay_within_budget(measured):
    def by_kind(r, suffix):
        return sum(x["bytes"] for x in r["resources"] if x["url"].split("?")[0].endswith(suffix))

    print("JS / CSS bytes:\n" + _table(measured, lambda r: f"{by_kind(r, '.js')} / {by_kind(r, '.css')}"))
    for label, r in measured.items():
        js, css = by_kind(r, ".js"), by_kind(r, ".css")
        assert 0 < js <= JS_BUDGET, (label, js)
        assert 0 < css <= CSS_BUDGET, (label, css)


def test_static_files_come_compressed(measured):
    """WhiteNoise sends the gzip copy: the site stylesheet travels in far fewer bytes than it weighs."""
    raw = (ROOT / "portal" / "static" / "portal" / "bundle" / "site.css").stat().st_size
    sent = next(x["bytes"] for x in measured["home"]["resources"] if "/bundle/site." in x["url"] and
                x["url"].endswith(".css"))
    assert sent < raw / 3, (sent, raw)


def test_no_script_holds_up_the_first_render(measured):
    """Every script is deferred (or a module), wherever it stands; only stylesheets block the first paint."""
    for label, r in measured.items():
        assert r["parserBlocking"] == [], (label, r["parserBlocking"])
        blocking = [x["url"] for x in r["resources"] if x["blocking"] == "blocking"]
        assert not [url for url in blocking if not url.split("?")[0].endswith(".css")], (label, blocking)
        assert len(blocking) <= 2, (label, blocking)  # the site's stylesheet and at most one of its app


def test_layout_does_not_shift_at_375_px(measured):
    print("cumulative layout shift:\n" + _table(measured, lambda r: f"{r['cls']:.4f}"))
    shifted = {label: round(r["cls"], 4) for label, r in measured.items() if r["cls"] >= CLS_BUDGET}
    assert not shifted, f"layout shift >= {CLS_BUDGET}: {shifted}"


def test_layout_does_not_shift_at_412_px_when_the_fonts_arrive_late(measured_late_fonts):
    """The swap from the metric-compatible fallbacks to the web fonts moves no block: each line breaks alike."""
    readings = measured_late_fonts
    print(f"cumulative layout shift at 412 px, web fonts {FONT_DELAY_MS} ms late (fonts held / loaded):\n"
          + _table(readings, lambda r: f"{r['cls']:.4f}  ({r['late']} / {r['loaded']})"))
    for label, r in readings.items():
        assert r["late"] >= 1 and r["loaded"] >= 1, (label, "the web fonts were not held back, or never loaded")
    shifted = {label: round(r["cls"], 4) for label, r in readings.items() if r["cls"] >= CLS_BUDGET}
    assert not shifted, f"layout shift >= {CLS_BUDGET} with late web fonts: {shifted}"


def test_every_image_and_chart_has_its_dimensions(measured):
    missing = {label: r["undimensioned"] for label, r in measured.items() if r["undimensioned"]}
    assert not missing, missing


def _label(measured, reading) -> str:
    return next(label for label, r in measured.items() if r is reading)
