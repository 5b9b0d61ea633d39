"""bench/report.json (everything measured), bench/report.md (the tables) and bench/report.svg (the curves).

Written after every figure, so an interrupted or still-running benchmark leaves what it
has measured so far, with the missing parts named.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from pathlib import Path

from bench import capacity, plot
from bench.env import OUTPUT_DIR
from bench.profiling import reading_text
from bench.relevance import markdown as relevance_markdown

FIGURES = ["data", "reindex", "search", "pages", "publish", "load", "newsletter"]


def machine() -> dict:
    info = {"python": platform.python_version(), "kernel": platform.release(), "cores": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gib"] = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def service_versions() -> dict:
    from django.db import connection

    from search.engine.client import get_client

    versions = {}
    try:
        versions["elasticsearch"] = get_client().info()["version"]["number"]
    except Exception as exc:  # reported, not fatal
        versions["elasticsearch"] = f"unknown ({exc})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        versions["postgresql"] = cursor.fetchone()[0]
    try:
        out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, timeout=5).stdout
        versions["redis"] = out.split("v=")[1].split()[0] if "v=" in out else out.strip()
    except (OSError, IndexError, subprocess.SubprocessError):
        versions["redis"] = "unknown"
    import django
    import wagtail

    versions["django"] = django.get_version()
    versions["wagtail"] = wagtail.__version__
    return versions


class Report:
    def __init__(self, config):
        self.config = config
        self.began = time.time()
        self.data = {
            "schema": 1,
            "started_at": time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(self.began)),
            "finished_at": None,
            "duration_s": None,
            "complete": False,
            "sizes_requested": config.sizes,
            "sizes_done": [],
            "machine": {**machine(), "loadavg_start": loadavg()},
            "services": {},
            "settings": {"load_clients": config.load_clients, "load_seconds": config.load_seconds,
                         "database": config.database_name, "index_prefix": config.index_prefix,
                         "figures": sorted(config.figures) if config.figures else "all",
                         "reused_data": config.keep_data},
            "results": {},
            "timings_s": {},
            "targets": [],
            "profiles": {},
            "errors": [],
        }

    # --- recording -----------------------------------------------------------------------
    def size(self, size: int) -> dict:
        return self.data["results"].setdefault(str(size), {})

    def record(self, size: int, figure: str, result: dict, seconds: float) -> None:
        self.size(size)[figure] = result
        self.data["timings_s"].setdefault(str(size), {})[figure] = round(seconds, 1)

    def add_targets(self, size: int, figure: str, targets: list[dict]) -> None:
        for t in targets:
            self.data["targets"].append({"figure": figure, "size": t.pop("size", size), "judged": True, **t})

    def add_profile(self, key: str, reading: dict) -> None:
        self.data["profiles"][key] = reading

    def error(self, size: int, figure: str, message: str) -> None:
        self.data["errors"].append({"size": size, "figure": figure, "error": message})

    def finish_size(self, size: int) -> None:
        self.data["sizes_done"].append(size)

    def finish(self) -> None:
        end = time.time()
        self.data["finished_at"] = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(end))
        self.data["duration_s"] = round(end - self.began, 1)
        self.data["machine"]["loadavg_end"] = loadavg()
        self.data["complete"] = (self.data["sizes_done"] == self.data["sizes_requested"] and not self.data["errors"]
                                 and self.config.figures is None)

    # --- writing ---------------------------------------------------------------------------
    def write(self) -> None:
        if self.data["finished_at"] is None:
            self.data["duration_s"] = round(time.time() - self.began, 1)
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUTPUT_DIR / "report.json").write_text(json.dumps(self.data, indent=1, ensure_ascii=False, default=str) + "\n")
        (OUTPUT_DIR / "report.md").write_text(markdown(self.data))
        (OUTPUT_DIR / "report.svg").write_text(plot.svg(self.data["results"]))
        self._drop_stale_profiles()

    def _drop_stale_profiles(self) -> None:
        """A profile beside the report explains a miss of this run, not of an earlier one.
        Only a complete run decides (a partial one keeps the others' profiles)."""
        if not self.data.get("complete"):
            return
        cited = {reading["file"] for reading in self.data["profiles"].values()}
        for path in (OUTPUT_DIR / "profiles").glob("*.txt"):
            if f"profiles/{path.name}" not in cited:
                path.unlink()


# --- markdown ----------------------------------------------------------------------------------
def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _get(d: dict, path: str):
    for key in path.split("."):
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def _table(results: dict, rows: list[tuple[str, str]], digits: int = 1) -> list[str]:
    sizes = sorted(results, key=int)
    out = ["| | " + " | ".join(f"{int(s):,} practices" for s in sizes) + " |",
           "|---|" + "---:|" * len(sizes)]
    for label, path in rows:
        out.append(f"| {label} | " + " | ".join(_fmt(_get(results[s], path), digits) for s in sizes) + " |")
    return out


def markdown(data: dict) -> str:
    results = data["results"]
    m, sv = data["machine"], data["services"]
    missed = [t for t in data["targets"] if t["judged"] and not t["met"]]
    lines = [
        "# Benchmarks",
        "",
        f"Run {data['started_at']} – {data['finished_at'] or 'still running / interrupted'}, "
        f"{_fmt((data['duration_s'] or 0) / 60)} min; sizes requested {', '.join(f'{s:,}' for s in data['sizes_requested'])}, "
        f"done {', '.join(f'{s:,}' for s in data['sizes_done']) or 'none'}"
        + ("" if data["complete"] else " (**incomplete**: see the end)") + ".",
        "",
        f"Machine: {m.get('cpu', '?')}, {m.get('cores')} cores, {m.get('memory_gib')} GiB, Linux {m.get('kernel')}, "
        f"Python {m.get('python')}; load average at start {m.get('loadavg_start')}, at end {m.get('loadavg_end')} "
        "(the machine is shared: each figure has its baseline measured in the same run).",
        f"Services (test harness): Elasticsearch {sv.get('elasticsearch')}, PostgreSQL {sv.get('postgresql')}, "
        f"Redis {sv.get('redis')}; Django {sv.get('django')}, Wagtail {sv.get('wagtail')}.",
        "",
        "Reproduce: `make bench` (all sizes) or `BENCH_SIZES=1000,10000 make bench`. Generated with `python -m bench`;",
        "do not edit by hand.",
        "",
        "## Targets",
        "",
        "| figure | target | size | value | met |",
        "|---|---|---:|---:|---|",
    ]
    for t in data["targets"]:
        met = "yes" if t["met"] else ("**no**" if t["judged"] else "no (not judged at this size)")
        lines.append(f"| {t['figure']} | {t['name']} {t['target']} | {int(t['size']):,} | {_fmt(t['value'], 2)} | {met} |")
    lines += [""] + relevance_markdown(data.get("relevance"))
    lines += capacity.markdown(data)
    lines += ["## 1. Full reindex", ""]
    lines += _table(results, [
        ("documents", "reindex.documents"), ("search_reindex docs/s", "reindex.docs_per_s"),
        ("raw helpers.bulk docs/s (baseline)", "reindex.raw.docs_per_s"), ("ratio to raw", "reindex.ratio_to_raw"),
        ("raw: of which creating the index (s)", "reindex.raw.index_creation_s"),
        ("Wagtail update_index docs/s (peer)", "reindex.wagtail_update_index.docs_per_s"),
        ("ratio to Wagtail", "reindex.ratio_to_wagtail"), ("search_reindex seconds", "reindex.seconds"),
    ], 2)
    lines += ["", "## 2. Publish to searchable (running worker, refresh interval 1 s)", ""]
    lines += _table(results, [
        ("p50 (s)", "publish.searchable_s.p50"), ("p95 (s)", "publish.searchable_s.p95"),
        ("outbox applied, p50 (s)", "publish.outbox_applied_s.p50"), ("outbox applied, p95 (s)", "publish.outbox_applied_s.p95"),
        ("publish transaction p50 (ms)", "publish.publish_transaction_ms.p50"), ("samples", "publish.samples"),
    ], 3)
    queries = next((r["search"]["queries"] for r in results.values() if "search" in r), 0)
    lines += ["", f"## 3. Search latency ({queries} queries x 10 rounds: full text, facets, highlight, pagination, "
              "relaxation; relaxation is on)", ""]
    lines += _table(results, [
        ("ours p50 (ms)", "search.ours.p50"), ("ours p95 (ms)", "search.ours.p95"), ("ours p99 (ms)", "search.ours.p99"),
        ("ES took p50 (ms)", "search.took.p50"), ("ES took p95 (ms)", "search.took.p95"), ("ES took p99 (ms)", "search.took.p99"),
        ("our overhead over took, p95 (ms)", "search.overhead.p95"),
        ("untimed warm-up rounds before (until steady)", "search.warm_up.rounds"),
        ("first warm-up round p95, cold node (ms)", "search.warm_up.first_round_p95"),
        ("round trips, query needing relaxation (max)", "search.round_trips_relaxed_max"),
        ("hits highlighted per search (max)", "search.highlighted_max"),
        ("Wagtail es8 p50 (ms)", "search.peer.p50"), ("Wagtail es8 p95 (ms)", "search.peer.p95"),
        ("Wagtail es8 p99 (ms)", "search.peer.p99"), ("Wagtail p95 / ours p95", "search.peer_over_ours_p95"),
        ("autocomplete endpoint p50 (ms)", "search.autocomplete.endpoint.p50"),
        ("autocomplete endpoint p95 (ms)", "search.autocomplete.endpoint.p95"),
        ("autocomplete service p95 (ms)", "search.autocomplete.service.p95"),
        ("Wagtail autocomplete p95 (ms)", "search.autocomplete.peer.p95"),
    ], 2)
    lines += ["", "The peer does the same words, filters, sort and page plus facet counts, but no highlighting and "
              "fewer facet groups (Wagtail cannot facet or filter on many-to-many fields): it does less work than ours. "
              "Hit counts differ where the analysis differs (ours: Italian stemming, synonyms, fuzziness; Wagtail: "
              "standard analyzer, exact words):", ""]
    largest = max(results, key=int) if results else None
    totals = (results.get(largest) or {}).get("search", {}).get("totals") if largest else None
    if totals:
        lines += [f"| query ({int(largest):,} practices) | filters | page | hits ours | hits Wagtail | ours p50 (ms) "
                  "| took p50 (ms) | Wagtail p50 (ms) | round trips | partial |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for t in totals:
            filters = ", ".join(f"{k}={'/'.join(v)}" for k, v in t["filters"].items()) or "–"
            lines.append(f"| `{t['query']}` ({t['label']}) | {filters} | {t['page']} | {_fmt(t['ours'])} | {_fmt(t['peer'])} "
                         f"| {_fmt(t.get('ours_p50_ms'))} | {_fmt(t.get('took_p50_ms'))} | {_fmt(t.get('peer_p50_ms'))} "
                         f"| {_fmt(t.get('round_trips'))} | {_fmt(t.get('partial'))} |")
    lines += ["",
              "", "## 4. Pages (server time in-process, DEBUG off, anonymous visitor; uncached and from the page cache)", ""]
    for size in sorted(results, key=int):
        pages = results[size].get("pages")
        if not pages:
            continue
        lines += [f"**{int(size):,} practices** — queries at 12 vs 48 items per page: {pages.get('queries_by_page_size')}", "",
                  "| page | p50 (ms) | p95 (ms) | SQL queries | status | cached p50 (ms) | cached p95 (ms) |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in pages["pages"]:
            lines.append(f"| {r['page']} (`{r['path']}`) | {_fmt(r['p50'])} | {_fmt(r['p95'])} | {r['queries']} | {r['status']} "
                         f"| {_fmt(r.get('cached_p50'))} | {_fmt(r.get('cached_p95'))} |")
        lines.append("")
    lines += ["## 5. Under load (gunicorn, 4 sync workers, loopback)", ""]
    lines += _table(results, [
        ("clients", "load.clients"), ("seconds", "load.seconds"), ("requests", "load.requests"), ("req/s", "load.req_per_s"),
        ("p50 (ms)", "load.latency_ms.p50"), ("p95 (ms)", "load.latency_ms.p95"), ("p99 (ms)", "load.latency_ms.p99"),
        ("errors", "load.errors"), ("search p95 (ms)", "load.by_kind_p95_ms.search"),
        ("detail p95 (ms)", "load.by_kind_p95_ms.detail"), ("zona p95 (ms)", "load.by_kind_p95_ms.zona"),
        ("gunicorn workers RSS (MiB)", "load.worker_rss_mib"),
    ])
    lines += ["", "## 6. Newsletter", ""]
    lines += _table(results, [
        ("subscribers", "newsletter.subscribers"), ("items in the edition", "newsletter.items"),
        ("segments", "newsletter.segments"), ("build (s)", "newsletter.build_s"),
        ("render all segments (s)", "newsletter.render_all_segments_s"), ("render per segment (ms)", "newsletter.render_per_segment_ms"),
        ("sending: msg/s end to end (worker)", "newsletter.send.msg_per_s"),
        ("sending: msg/s first to last message", "newsletter.send.sending_phase_msg_per_s"),
        ("msg/s in the first fifth", "newsletter.send.rate_first_fifth"),
        ("msg/s in the last fifth", "newsletter.send.rate_last_fifth"),
        ("raw smtplib msg/s (baseline)", "newsletter.raw.msg_per_s"), ("ratio to raw", "newsletter.ratio_to_raw"),
        ("message size (bytes)", "newsletter.raw.message_bytes"),
        ("worker RSS idle (MiB)", "newsletter.send.worker_rss_idle_mib"),
        ("worker peak RSS (MiB)", "newsletter.send.worker_peak_rss_mib"),
        ("edition status at the end", "newsletter.send.status"),
    ], 2)
    lines += ["", "## 7. Scale curves", "", "![scale curves](report.svg)", "", "Data of each size:", ""]
    lines += _table(results, [
        ("pages in the tree", "data.pages_total"), ("pages created", "data.pages_created"),
        ("generation (s)", "data.seconds"), ("generation pages/s", "data.pages_per_s"),
        ("pages tagged for the newsletter", "data.newsletter_tagged"),
    ])
    lines += ["", "Time per figure (s):", ""]
    timings = data["timings_s"]
    if timings:
        lines += _table({s: {"t": t} for s, t in timings.items()}, [(f, f"t.{f}") for f in FIGURES])
    lines += ["", "## Missed targets and what the profiles say", ""]
    if not missed:
        lines.append("None.")
    groups: dict = {}
    for t in missed:  # one paragraph per profile: several targets share one
        groups.setdefault(t.get("profile_key") or f"none-{t['figure']}-{t['size']}-{t['name']}", []).append(t)
    for key, targets in groups.items():
        for t in targets:
            lines.append(f"- **{t['figure']} at {int(t['size']):,}: {t['name']} {t['target']}, measured {_fmt(t['value'], 2)}.**"
                         + (f" {t['detail']}." if t.get("detail") else ""))
        reading = data["profiles"].get(key)
        if reading:
            lines.append(f"  Profile [`{reading['file']}`]({reading['file']}) ({reading['title']}): {reading_text(reading)}.")
            if reading.get("notes"):
                lines += ["", "  ```", *("  " + n for n in reading["notes"].splitlines()), "  ```", ""]
    lines += ["", "## Errors and gaps", ""]
    for e in data["errors"]:
        lines.append(f"- {e['figure']} at {int(e['size']):,}: {e['error']}")
    not_done = [s for s in data["sizes_requested"] if s not in data["sizes_done"]]
    for s in not_done:
        have = sorted(results.get(str(s), {}))
        lines.append(f"- size {s:,} not finished" + (f" (measured so far: {', '.join(have)})" if have else " (not started)"))
    partial = data["settings"].get("figures", "all") != "all"
    if partial:
        lines.append(f"- only these figures were run (BENCH_FIGURES): {', '.join(data['settings']['figures'])}")
    if data["settings"].get("reused_data"):
        lines.append("- data reused from an earlier run (BENCH_KEEP_DATA): generation times are not meaningful")
    if not data["errors"] and not not_done and not partial:
        lines.append("None.")
    return "\n".join(lines) + "\n"
