"""Figure: Lighthouse (mobile, default simulated throttling) on one page of each public template.

The portal runs as production runs it (gunicorn, WhiteNoise, DEBUG off) on the demo content
(tests/support/page_tour.py, the pages the front-end budget tests judge too). Lighthouse 12.2.3
(bench/node/package-lock.json, on Node 20) drives Debian's Chromium (CHROME_PATH) three times per
page; the table gives the median of each score and metric beside the targets of issue #21:
performance >= 95, LCP <= 2.0 s, CLS <= 0.05, TBT <= 100 ms, and bytes transferred.

Standalone: ``python -m bench.lighthouse`` (LIGHTHOUSE_RUNS, LIGHTHOUSE_PAGES="home,search" to narrow)
writes bench/lighthouse.md and bench/lighthouse.json (or under BENCH_OUTPUT).
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.env import OUTPUT_DIR, ROOT

NODE_DIR = ROOT / "bench" / "node"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
TARGETS = {"performance": 95, "lcp_s": 2.0, "cls": 0.05, "tbt_ms": 100}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def _log(message: str) -> None:
    print(f"[lighthouse] {message}", file=sys.stderr, flush=True)


def ensure_lighthouse() -> None:
    """npm ci from the lock file when the pinned Lighthouse is not installed yet."""
    if LIGHTHOUSE.exists():
        return
    if not shutil.which("npm"):
        raise RuntimeError("npm missing: Lighthouse runs on Node 20 (apt-get install nodejs npm)")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True, timeout=600)


def run_once(url: str, out: Path) -> dict:
    """One Lighthouse run; the scores and metrics that the table shows."""
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
    ]
    env = dict(os.environ, CHROME_PATH=CHROME)
    done = subprocess.run(command, env=env, timeout=300, capture_output=True, text=True)
    if done.returncode != 0:  # say why (Chrome did not start, the page failed ...), not just the exit code
        raise RuntimeError(f"lighthouse {url} exited {done.returncode}: {(done.stderr or done.stdout)[-2000:]}")
    lhr = json.loads(out.read_text())
    if lhr.get("runtimeError"):
        raise RuntimeError(f"{url}: {lhr['runtimeError']}")
    audits = lhr["audits"]
    by_type: dict[str, int] = {}
    for item in audits["resource-summary"]["details"]["items"]:
        by_type[item["resourceType"]] = item["transferSize"]
    return {
        **{name: round(lhr["categories"][name]["score"] * 100) for name in CATEGORIES},
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "si_s": audits["speed-index"]["numericValue"] / 1000,
        "kb": by_type.get("total", 0) / 1024,
        "js_kb": by_type.get("script", 0) / 1024,
        "css_kb": by_type.get("stylesheet", 0) / 1024,
        "font_kb": by_type.get("font", 0) / 1024,
        "render_blocking": len(audits.get("render-blocking-resources", {}).get("details", {}).get("items", [])),
        "short_of_100": short_of_100(lhr),
        "lighthouse": lhr["lighthouseVersion"],
        "chrome": lhr["environment"]["hostUserAgent"],
    }


def short_of_100(lhr: dict) -> list[str]:
    """The audits that cost points in accessibility, best practices and SEO (``category: audit id``), so
    a score below 100 in the table says why."""
    missed = []
    for name in CATEGORIES[1:]:
        for ref in lhr["categories"][name].get("auditRefs", []):
            score = lhr["audits"].get(ref["id"], {}).get("score")
            if ref.get("weight") and score is not None and score < 1:
                missed.append(f"{name}: {ref['id']}")
    return sorted(missed)


def median_of(runs: list[dict]) -> dict:
    out = {}
    for key, value in runs[0].items():
        out[key] = statistics.median(r[key] for r in runs) if isinstance(value, (int, float)) else value
    out["runs"] = len(runs)
    return out


def met(row: dict) -> bool:
    return (row["performance"] >= TARGETS["performance"] and row["lcp_s"] <= TARGETS["lcp_s"]
            and row["cls"] <= TARGETS["cls"] and row["tbt_ms"] <= TARGETS["tbt_ms"])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


ATTEMPTS = 3  # per run: Lighthouse's own "Please run Lighthouse again" (NO_NAVSTART) came twice in a row once


def _run_with_retries(url: str, scratch: Path, what: str, n: int) -> dict:
    """One Lighthouse run, tried again (up to ATTEMPTS in all) when Chrome fails to start or
    Lighthouse fails to record the trace; each failure is logged."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return run_once(url, scratch / f"lhr-{n}-{attempt}.json")
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            if attempt == ATTEMPTS:
                raise
            _log(f"{what} failed (attempt {attempt} of {ATTEMPTS}), tried again: {exc}")
    raise AssertionError("unreachable")


def run(pages: list[str] | None = None) -> dict:
    """Start the production site, run Lighthouse RUNS times per template page, return the medians."""
    from tests.support.page_tour import production_site

    ensure_lighthouse()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as scratch:
        with production_site(Path(scratch) / "var", workers=2) as (base, urls):
            wanted = {k: v for k, v in urls.items() if not pages or k in pages}
            for label, path in wanted.items():
                runs = []
                for n in range(RUNS):
                    began = time.perf_counter()
                    runs.append(_run_with_retries(base + path, Path(scratch), f"{label} run {n + 1}", n))
                    _log(f"{label} run {n + 1}: perf {runs[-1]['performance']} LCP {runs[-1]['lcp_s']:.2f} s "
                         f"CLS {runs[-1]['cls']:.3f} TBT {runs[-1]['tbt_ms']:.0f} ms "
                         f"{runs[-1]['kb']:.0f} KiB ({time.perf_counter() - began:.0f} s)")
                results[label] = {"path": path, **median_of(runs)}
    first = next(iter(results.values()), {})
    return {
        "targets": TARGETS,
        "pages": results,
        "all_met": all(met(r) for r in results.values()),
        "lighthouse": first.get("lighthouse"),
        "chrome": first.get("chrome"),
        "node": node,
        "machine": machine(),
        "runs": RUNS,
    }


def table(result: dict) -> str:
    lines = [
        f"Lighthouse {result['lighthouse']} (mobile, simulated throttling), Node {result['node']}, "
        f"{result['chrome']}; median of {result['runs']} runs per page; gunicorn + WhiteNoise, DEBUG off, "
        f"demo content; machine: {result['machine']}.",
        "",
        "| page | perf (>= 95) | a11y | best pr. | SEO | FCP s | LCP s (<= 2.0) | TBT ms (<= 100) | CLS (<= 0.05) "
        "| KiB | JS KiB | CSS KiB | font KiB | met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in result["pages"].items():
        lines.append(
            f"| {label} | {r['performance']:.0f} | {r['accessibility']:.0f} | {r['best-practices']:.0f} | "
            f"{r['seo']:.0f} | {r['fcp_s']:.2f} | {r['lcp_s']:.2f} | {r['tbt_ms']:.0f} | {r['cls']:.3f} | "
            f"{r['kb']:.0f} | {r['js_kb']:.1f} | {r['css_kb']:.1f} | {r['font_kb']:.1f} | "
            f"{'yes' if met(r) else 'NO'} |"
        )
    missed = {label: r.get("short_of_100") for label, r in result["pages"].items() if r.get("short_of_100")}
    if missed:
        lines += ["", "Audits short of 100 (first run of each page):", ""]
        lines += [f"- {label}: {', '.join(ids)}" for label, ids in missed.items()]
    return "\n".join(lines) + "\n"


def write(result: dict, output: Path = OUTPUT_DIR) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "lighthouse.json").write_text(json.dumps(result, indent=2) + "\n")
    (output / "lighthouse.md").write_text("# Lighthouse per template\n\n" + table(result))


def main() -> int:
    pages = [p.strip() for p in os.environ.get("LIGHTHOUSE_PAGES", "").split(",") if p.strip()] or None
    result = run(pages)
    write(result)
    print(table(result))
    return 0 if result["all_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
