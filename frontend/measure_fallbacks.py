"""Regenerate frontend/src/fonts-fallback.css: local fonts resized, weight by weight, to the web fonts' widths.

Why: the portal's web fonts (Titillium Web 400/600/700, Lora 400, self-hosted, font-display: swap) reach a phone
on a weak connection after the page has been drawn. Until then the text is drawn in a local font; if that font's
lines are not as long as the web font's, lines rewrap at the swap and every block below them moves (issue #21:
layout shift < 0.05 at 412 px; tests/e2e/test_frontend_budgets.py holds the fonts back to check it). A fallback
fitted on the regular weight alone is not enough: bold Arial or Roboto is not the regular face stretched (the
workshops listing's bold card titles wrapped on one line in the fallback and on two in Titillium Web). So each
weight the CSS uses gets its own fallback face, fitted on the text that the portal writes in that weight.

How: the demo site is served as production serves it (tests/support/page_tour.py); Chromium, at the 412 px
viewport, collects the Italian text of every template grouped by the web face that draws it (family and weight
as the CSS matches them); then, with every font loaded in the page, canvas measureText sums its width in the web
face and in each local font:

    size-adjust = width(web face) / width(local face)
    ascent-override, descent-override, line-gap-override = the web face's metric / size-adjust

(the browser multiplies the overrides by size-adjust, so the line box comes out as the web font's). The web
fonts' metrics are read in the same browser: fontBoundingBoxAscent/Descent and the height of a line with
line-height: normal. Local fonts are loaded through local("full name") and local("PostScript name") exactly as
the stylesheet names them, so a name Chromium does not match shows as "missing" below.

Run (development time, like frontend/build.mjs; needs the test dependencies, Debian's Chromium and the local
fonts measured: fonts-liberation, fonts-dejavu-core, fonts-roboto-unhinted), then rebuild the bundle:

    .venv/bin/python frontend/measure_fallbacks.py && make assets
"""
from __future__ import annotations

import base64
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

FONTS = ROOT / "portal" / "static" / "portal" / "bundle" / "fonts"
OUT = HERE / "src" / "fonts-fallback.css"
CHROMIUM = "/usr/bin/chromium"

# (family, weight): the web faces the bundle ships (frontend/build.mjs)
WEB = {("Titillium Web", 400): "titillium-web-400.woff2", ("Titillium Web", 600): "titillium-web-600.woff2",
       ("Titillium Web", 700): "titillium-web-700.woff2", ("Lora", 400): "lora-400.woff2"}

# fallback family -> (web family, {weight: local() names: full names, then PostScript names}, the one measured)
# Arial, Helvetica, Liberation Sans and Arimo share Arial's widths (Windows, macOS, Linux, ChromeOS); Roboto is
# Android's; DejaVu is the Linux default when none of those is installed. Times New Roman, Times, Liberation
# Serif and Tinos share Times' widths. The semibold weight takes the bold face (Roboto: Medium).
FALLBACKS = {
    "Titillium Web Fallback": ("Titillium Web", {
        400: ["Arial", "Helvetica", "Liberation Sans", "Arimo", "ArialMT", "LiberationSans", "Arimo-Regular"],
        600: ["Arial Bold", "Helvetica Bold", "Liberation Sans Bold", "Arimo Bold", "Arial-BoldMT", "Helvetica-Bold",
              "LiberationSans-Bold", "Arimo-Bold"],
        700: ["Arial Bold", "Helvetica Bold", "Liberation Sans Bold", "Arimo Bold", "Arial-BoldMT", "Helvetica-Bold",
              "LiberationSans-Bold", "Arimo-Bold"],
    }, "Liberation Sans"),
    "Titillium Web Fallback Roboto": ("Titillium Web", {
        400: ["Roboto", "Roboto Regular", "Roboto-Regular"],
        600: ["Roboto Medium", "Roboto-Medium"],
        700: ["Roboto Bold", "Roboto-Bold"],
    }, "Roboto"),
    "Titillium Web Fallback DejaVu": ("Titillium Web", {
        400: ["DejaVu Sans", "DejaVuSans"],
        600: ["DejaVu Sans Bold", "DejaVuSans-Bold"],
        700: ["DejaVu Sans Bold", "DejaVuSans-Bold"],
    }, "DejaVu Sans"),
    "Lora Fallback": ("Lora", {
        400: ["Times New Roman", "Times", "Liberation Serif", "Tinos", "TimesNewRomanPSMT", "Times-Roman",
              "LiberationSerif", "Tinos-Regular"],
    }, "Liberation Serif"),
    "Lora Fallback DejaVu": ("Lora", {400: ["DejaVu Serif", "DejaVuSerif"]}, "DejaVu Serif"),
}

# Every text node of the page, with the web face that draws it: the first family of its font stack and the
# weight CSS font matching picks among the faces shipped (300-500 -> 400, 600 -> 600, 700+ -> 700; Lora: 400,
# bolder Lora is synthesised in both fonts alike).
_COLLECT = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    let text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!el || !text || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(el.tagName)) continue;
    if (!el.getClientRects().length) continue;  // not displayed
    const cs = getComputedStyle(el);
    if (cs.fontStyle !== "normal") continue;  // italics are synthesised in both fonts
    const family = cs.fontFamily.split(",")[0].replace(/["']/g, "").trim();
    const weight = parseInt(cs.fontWeight, 10);
    if (cs.textTransform === "uppercase") text = text.toLocaleUpperCase("it");
    out.push([family, weight, text]);
  }
  return out;
}
"""

_MEASURE = """
async ({web, local, samples}) => {
  const canvas = document.createElement("canvas").getContext("2d");
  const faces = {};
  for (const [key, [family, weight, b64]] of Object.entries(web)) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const face = new FontFace("web-" + key, bytes.buffer, {weight: String(weight)});
    document.fonts.add(await face.load());
    faces[key] = {family: "web-" + key, weight};
  }
  const found = {};
  for (const [key, [weight, names]] of Object.entries(local)) {
    found[key] = {};
    for (const name of names) {
      try {
        const face = new FontFace(`local-${key}-${name}`, `local("${name}")`, {weight: String(weight)});
        document.fonts.add(await face.load());
        found[key][name] = `local-${key}-${name}`;
      } catch (e) { found[key][name] = null; }
    }
  }
  const width = (family, weight, texts) => {
    canvas.font = `${weight} 100px "${family}"`;
    return texts.reduce((sum, t) => sum + canvas.measureText(t).width, 0);
  };
  const metrics = {};
  for (const [key, {family, weight}] of Object.entries(faces)) {
    canvas.font = `${weight} 1000px "${family}"`;
    const m = canvas.measureText("Hg");
    const div = document.createElement("div");
    div.style.cssText = `font: ${weight} 1000px/normal "${family}"; position: absolute; white-space: nowrap`;
    div.textContent = "Hg";
    document.body.append(div);
    const height = div.getBoundingClientRect().height;
    div.remove();
    metrics[key] = {ascent: m.fontBoundingBoxAscent, descent: m.fontBoundingBoxDescent,
                    lineGap: height - m.fontBoundingBoxAscent - m.fontBoundingBoxDescent};
  }
  const widths = {};
  for (const [key, [webKey, weight, measured]] of Object.entries(samples)) {
    const texts = samples[key][3];
    const family = found[measured[0]][measured[1]];
    widths[key] = family === null ? null : {
      web: width(faces[webKey].family, weight, texts), local: width(family, weight, texts),
      // the spread over single texts of 30+ characters, as a line would be
      lines: texts.filter((t) => t.length >= 30)
        .map((t) => width(faces[webKey].family, weight, [t]) / width(family, weight, [t])),
    };
  }
  return {found, metrics, widths};
}
"""


def collect_text(browser, var_dir: Path) -> dict[tuple[str, int], list[str]]:
    from tests.support.page_tour import production_site

    texts: dict[tuple[str, int], dict[str, None]] = {key: {} for key in WEB}
    with production_site(var_dir) as (base, urls):
        context = browser.new_context(base_url=base, locale="it-IT", viewport={"width": 412, "height": 823},
                                      is_mobile=True, device_scale_factor=1.75)
        page = context.new_page()
        for path in urls.values():
            page.goto(path, wait_until="load")
            for family, weight, text in page.evaluate(_COLLECT):
                if family == "Lora":
                    weight = 400
                elif family == "Titillium Web":
                    weight = 400 if weight <= 500 else 600 if weight < 700 else 700
                else:
                    continue
                texts[(family, weight)][text] = None  # once each: the header and footer repeat on every page
        context.close()
    return {key: list(found) for key, found in texts.items()}


def _key(family: str, weight: int) -> str:
    return f"{family}-{weight}".replace(" ", "-")


def pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
        texts = collect_text(browser, Path(tmp) / "var")
        web = {_key(family, weight): [family, weight, base64.b64encode((FONTS / file).read_bytes()).decode()]
               for (family, weight), file in WEB.items()}
        local, samples = {}, {}
        for fallback, (family, weights, measured) in FALLBACKS.items():
            for weight, names in weights.items():
                key = _key(fallback, weight)
                local[key] = [weight, names]
                style = "" if weight == 400 else " Medium" if measured == "Roboto" and weight == 600 else " Bold"
                samples[key] = [_key(family, weight), weight, [key, measured + style], texts[(family, weight)]]
        page = browser.new_page()
        page.set_content("<!doctype html><html><body></body></html>")
        result = page.evaluate(_MEASURE, {"web": web, "local": local, "samples": samples})
        browser.close()

    rules, report = [], []
    for fallback, (family, weights, measured) in FALLBACKS.items():
        for weight, names in weights.items():
            key = _key(fallback, weight)
            found = result["found"][key]
            report.append(f"{fallback} {weight}: local names matched here: {', '.join(n for n in names if found[n])}; "
                          f"missing: {', '.join(n for n in names if not found[n])}")
            w = result["widths"][key]
            if w is None:
                sys.exit(f"{measured} ({fallback} {weight}) is not installed: it cannot be measured")
            adjust = w["web"] / w["local"]
            m = result["metrics"][_key(family, weight)]
            lines = sorted(w["lines"])
            report.append(f"  {len(texts[(family, weight)])} texts, size-adjust {pct(adjust)}; single texts "
                          f"{pct(lines[0])} .. {pct(lines[-1])} (median {pct(lines[len(lines) // 2])}); "
                          f"{family} {weight}: ascent {m['ascent']:.0f} descent {m['descent']:.0f} "
                          f"gap {m['lineGap']:.0f} /1000")
            src = ",".join(f'local("{name}")' for name in names)
            rules.append(
                f'@font-face{{font-family:"{fallback}";font-style:normal;font-weight:{weight};src:{src};'
                f"size-adjust:{pct(adjust)};ascent-override:{pct(m['ascent'] / 1000 / adjust)};"
                f"descent-override:{pct(m['descent'] / 1000 / adjust)};"
                f"line-gap-override:{pct(m['lineGap'] / 1000 / adjust)}}}"
            )
    print("\n".join(report))
    OUT.write_text(
        "/* Metric-compatible fallbacks for Titillium Web and Lora, one face per weight the CSS uses: while the web\n"
        "   fonts load (font-display: swap), text is drawn in a local font resized to the same line widths and line\n"
        "   height, so the swap does not rewrap lines nor move the page. Generated by frontend/measure_fallbacks.py\n"
        "   (which says how: widths measured in Chromium over the demo site's Italian text, per weight); do not edit.\n"
        "   Arial/Helvetica/Liberation Sans/Arimo share widths, Roboto is Android's, DejaVu the bare Linux default;\n"
        "   Times New Roman/Times/Liberation Serif/Tinos share widths. */\n"
        + "\n".join(rules) + "\n"
    )
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
