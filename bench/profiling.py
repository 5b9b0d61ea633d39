"""cProfile of a missed target, saved beside the report, with a short reading of where the time went.

The reading is computed from the profile itself: the share of time spent waiting on
PostgreSQL, on Elasticsearch, on SMTP and in templates, the number of SQL queries per
unit of work, and the project functions with the largest cumulative time.
"""
from __future__ import annotations

import cProfile
import io
import pstats
import time
from pathlib import Path

from django.db import connection

from bench.env import BENCH_DIR, OUTPUT_DIR

PROFILES_DIR = OUTPUT_DIR / "profiles"
ROOT = str(BENCH_DIR.parent) + "/"  # file names in the report are relative to the checkout
PROJECT_DIRS = ("/cms/", "/search/", "/newsletter/", "/portal/")
# Functions whose cumulative time means "waiting on" a service (or doing one kind of work).
BUCKETS = {
    "postgresql queries": [("django/db/backends/utils.py", "_execute")],
    "postgresql begin/commit": [("psycopg/_connection_base.py", "_exec_command")],
    "elasticsearch": [("elastic_transport/_transport.py", "perform_request")],
    "smtp": [("smtplib.py", "sendmail")],
    "mail composition (MIME)": [("django/core/mail/message.py", "message"), ("django/core/mail/message.py", "as_bytes")],
    "templates (incl. the queries they trigger)": [("django/template/backends/django.py", "render")],
    "mjml": [("newsletter/rendering.py", "mjml_to_html")],
}


def _cumulative(stats: pstats.Stats, file_part: str, func: str) -> float:
    """Cumulative time of the outermost calls of one function (recursion counted once)."""
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, callers) in stats.stats.items():
        if name == func and filename.endswith(file_part):
            # callers that are the same function would double count: keep the outer ones only
            own = sum(v[3] for (f, _l, n), v in callers.items() if n == func and f.endswith(file_part))
            total += ct - own
    return total


def _top_project(stats: pstats.Stats, total: float, limit: int = 6) -> list[dict]:
    """Project functions by cumulative time, below the entry points (views, middleware, loops
    that hold most of the time say nothing about where it goes)."""
    rows = []
    for (filename, line, name), (_cc, nc, _tt, ct, _callers) in stats.stats.items():
        if any(part in filename for part in PROJECT_DIRS) and "/.venv/" not in filename:
            short = filename.removeprefix(ROOT)
            rows.append({"function": f"{short}:{line}({name})", "calls": nc, "cumulative_s": round(ct, 3),
                         "share": round(ct / total, 3) if total else None})
    rows.sort(key=lambda r: -r["cumulative_s"])
    below = [r for r in rows if (r["share"] or 0) < 0.6]
    return (below or rows)[:limit]


def profile(name: str, func, *, units: int | None = None, unit: str = "item", title: str = "", notes=None) -> dict:
    """Run ``func()`` under cProfile; save bench/profiles/<name>.txt; return the reading.

    ``notes()``, when given, is called before the work and its text kept with the profile
    (e.g. the query plan the work is about to meet)."""
    PROFILES_DIR.mkdir(parents=True, exist_ok=True)
    notes_text = notes() if notes is not None else ""  # the state the profiled work starts from
    profiler = cProfile.Profile()
    counts: dict[str, int] = {}

    def count_queries(execute, sql, params, many, context):
        key = sql[:120]
        counts[key] = counts.get(key, 0) + 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_queries):
        began = time.perf_counter()
        profiler.enable()
        try:
            func()
        finally:
            profiler.disable()
        wall = time.perf_counter() - began
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)
    shares = {k: round(sum(_cumulative(stats, f, fn) for f, fn in parts) / total, 3) for k, parts in BUCKETS.items()}
    sql = sum(counts.values())
    reading = {
        "file": f"profiles/{name}.txt",
        "title": title,
        "wall_s": round(wall, 3),
        "profiled_s": round(total, 3),
        "units": units,
        "unit": unit,
        "sql_queries": sql,
        "sql_per_unit": round(sql / units, 2) if units else None,
        "shares": {k: v for k, v in shares.items() if v >= 0.01},
        "top_project_functions": _top_project(stats, total),
    }
    out = io.StringIO()
    out.write(f"# {title or name}\n# {reading_text(reading)}\n\n")
    if notes_text:
        reading["notes"] = notes_text
        out.write(notes_text + "\n\n")
    out.write("## by cumulative time\n")
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    out.write("\n## by own time\n")
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    out.write("\n## most frequent SQL statements (first 120 characters)\n")
    for sql_text, n in sorted(counts.items(), key=lambda kv: -kv[1])[:15]:
        out.write(f"{n:7d}  {sql_text}\n")
    text = out.getvalue().replace(ROOT, "")
    Path(PROFILES_DIR / f"{name}.txt").write_text(text)
    return reading


def reading_text(reading: dict) -> str:
    """One sentence: where the time went."""
    parts = [f"{reading['profiled_s']:.2f}s profiled"]
    if reading.get("units"):
        parts.append(f"{reading['units']} {reading['unit']}s")
    if reading.get("sql_queries"):
        per = f" ({reading['sql_per_unit']} per {reading['unit']})" if reading.get("sql_per_unit") is not None else ""
        parts.append(f"{reading['sql_queries']} SQL queries{per}")
    shares = ", ".join(f"{k} {v:.0%}" for k, v in sorted(reading["shares"].items(), key=lambda kv: -kv[1]))
    if shares:
        parts.append(f"time in: {shares}")
    top = reading.get("top_project_functions") or []
    if top:
        parts.append("top project code: " + "; ".join(
            f"{r['function']} {r['share']:.0%}" for r in top[:3] if r["share"] is not None))
    return " — ".join(parts)
