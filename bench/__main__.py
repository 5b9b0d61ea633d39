"""``python -m bench``: every figure at every size, each with its baseline, then the report.

Environment: DATABASE_URL (PostgreSQL server; the ``bench`` database is created on it),
ELASTICSEARCH_URL, CELERY_BROKER_URL (``make bench`` starts them with the test harness);
BENCH_SIZES (default 1000,10000,100000), BENCH_KEEP_DATA=1 to reuse the generated data of
a previous run, BENCH_LOAD_SECONDS / BENCH_LOAD_CLIENTS (default 60 / 50), BENCH_FIGURES
(e.g. "search,pages": only those, for development; the report then says what is missing; "lighthouse":
Lighthouse on each template, bench/lighthouse.py, written to lighthouse.md),
BENCH_OUTPUT (a directory for report.* and profiles/ instead of bench/), BENCH_VAR (scratch files).
"""
from __future__ import annotations

import sys
import time
import traceback

from bench.env import BenchSetupError


def _profile(report, size: int, name: str, make_work) -> str | None:
    """Profile a missed target once per (name, size); returns the profile key."""
    from bench.profiling import profile
    from bench.stats import log

    key = f"{name}-{size}"
    if key in report.data["profiles"]:
        return key
    failed = report.data.setdefault("profile_failures", {})
    if key in failed:  # several targets share a profile: do not repeat a failure
        return None
    log(f"profiling {name} at {size} (a target was missed) ...")
    try:
        made = make_work()
        work, units, unit = made[:3]
        cleanup = made[3] if len(made) > 3 else None
        notes = made[4] if len(made) > 4 else None
        try:
            reading = profile(key, work, units=units, unit=unit, title=f"{name} at {size:,} practices", notes=notes)
        finally:
            if cleanup:
                cleanup()
    except Exception as exc:
        failed[key] = f"{type(exc).__name__}: {exc}"
        report.error(size, f"profile {name}", failed[key])
        return None
    report.add_profile(key, reading)
    return key


def run_figure(report, size: int, figure: str, measure, judge=None, profilers: dict | None = None) -> dict | None:
    """Measure one figure, record it and its targets, profile what is missed; never raises."""
    from bench.stats import log

    if not report.config.wants(figure) and figure != "data":
        log(f"{figure}: skipped (BENCH_FIGURES)")
        return None
    log(f"=== {figure} at {size:,} practices ===")
    began = time.perf_counter()
    try:
        result = measure()
    except Exception as exc:
        log(f"{figure} at {size}: FAILED: {exc}")
        traceback.print_exc()
        report.error(size, figure, f"{type(exc).__name__}: {exc}")
        report.write()
        return None
    report.record(size, figure, result, time.perf_counter() - began)
    targets = judge(result) if judge else []
    for target in targets:
        name = target.get("profile")
        if not target["met"] and target.get("judged", True) and name and profilers and name in profilers:
            target["profile_key"] = _profile(report, size, name, profilers[name])
    report.add_targets(size, figure, targets)
    report.write()
    return result


def run_size(report, config, size: int, sink) -> None:
    from bench import alerts, data, load, newsletter, pages, publish, reindex, search
    from bench.env import purge_broker
    from bench.stats import log

    largest = max(config.sizes)
    run_figure(report, size, "data", lambda: data.ensure_content(size))
    purge_broker()  # load_demo queues outbox tasks nobody runs yet: the reindex covers them
    run_figure(report, size, "reindex", lambda: reindex.run(size), reindex.targets,
               {"reindex": reindex.profile_work})
    run_figure(report, size, "search", lambda: search.run(size), lambda r: search.targets(r, size, largest),
               {"search": search.profile_work, "autocomplete": search.profile_autocomplete})
    previous_sizes = [s for s in report.data["sizes_done"] if "pages" in report.size(s)]
    previous = report.size(previous_sizes[-1])["pages"] if previous_sizes else None

    def judge_pages(result):
        judged = size >= 10_000 or size == largest
        out = pages.targets(result, size, previous)
        for t in out:
            t["judged"] = judged
        return out

    run_figure(report, size, "pages", lambda: pages.run(size), judge_pages,
               {"pages": lambda: pages.profile_work(report.size(size)["pages"])})
    run_figure(report, size, "publish", lambda: publish.run(size), publish.targets, {"publish": publish.profile_work})
    purge_broker()  # the profile's publishes queued tasks for a worker that is gone
    run_figure(report, size, "load", lambda: load.run(size, config), load.targets,
               {"pages": lambda: pages.profile_work(report.size(size)["pages"])})
    run_figure(report, size, "newsletter", lambda: newsletter.run(size, sink), newsletter.targets,
               {"newsletter": lambda: newsletter.profile_work(sink)})
    if size == largest:  # the alerts' figures do not depend on the corpus size: once
        run_figure(report, size, "alerts", lambda: alerts.run(size), alerts.targets)
    report.finish_size(size)
    by_size = {s: report.size(s)["newsletter"] for s in report.data["sizes_done"] if "newsletter" in report.size(s)}
    flat = newsletter.rss_target(by_size)
    if flat:
        report.data["targets"] = [t for t in report.data["targets"] if not t["name"].startswith("worker peak RSS flat")]
        report.add_targets(size, "newsletter", [flat])
    report.write()
    log(f"size {size:,} done")


def run_relevance(report, config, fresh: bool) -> None:
    """The judged queries on the demo content, before any generated page changes the corpus; never raises."""
    from bench import relevance
    from bench.stats import log

    if not config.wants("relevance"):
        return
    if not fresh:
        report.data["relevance"] = {"skipped": "the database holds generated pages (BENCH_KEEP_DATA)"}
        return
    log("=== relevance on the demo content ===")
    try:
        report.data["relevance"] = relevance.run()
    except Exception as exc:
        traceback.print_exc()
        report.data["relevance"] = {"skipped": f"failed: {type(exc).__name__}: {exc}"}
        report.error(0, "relevance", f"{type(exc).__name__}: {exc}")
    report.write()


def run_lighthouse(report, config) -> None:
    """Lighthouse on each template of the demo content, in production mode (bench/lighthouse.py); never raises."""
    from bench import lighthouse
    from bench.env import OUTPUT_DIR
    from bench.stats import log

    if not config.wants("lighthouse"):
        return
    log("=== lighthouse on each template (demo content, production mode) ===")
    try:
        result = lighthouse.run()
        lighthouse.write(result, OUTPUT_DIR)
        report.data["lighthouse"] = result
        log(f"lighthouse: {OUTPUT_DIR}/lighthouse.md\n" + lighthouse.table(result))
    except Exception as exc:
        traceback.print_exc()
        report.error(0, "lighthouse", f"{type(exc).__name__}: {exc}")
    report.write()


def main() -> int:
    from bench.env import drop_indices, migrate_and_collect, prepare_database, read_config, setup_django
    from bench.stats import log

    try:
        config = read_config()
        created = prepare_database(config)
    except BenchSetupError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    log(f"database {config.database_name} ({'created' if created else 'kept, BENCH_KEEP_DATA'}), index prefix "
        f"{config.index_prefix}, sizes {config.sizes}")
    setup_django(config)
    migrate_and_collect(log)

    from bench.env import purge_broker
    from bench.report import Report, service_versions
    from bench.smtp_sink import CountingSink

    if created:
        dropped = drop_indices(config.index_prefix)
        if dropped:
            log(f"dropped {len(dropped)} old indices under {config.index_prefix}-")
    purge_broker()
    report = Report(config)
    report.data["services"] = service_versions()
    run_relevance(report, config, created)
    run_lighthouse(report, config)
    sink = CountingSink()
    sink.start()
    try:
        for size in config.sizes:
            run_size(report, config, size, sink)
    except KeyboardInterrupt:
        log("interrupted: writing what was measured")
        return 130
    finally:
        sink.stop()
        report.finish()
        report.write()
        from bench.env import OUTPUT_DIR

        log(f"report: {OUTPUT_DIR}/report.md, report.json, report.svg ({report.data['duration_s'] / 60:.1f} min)")
    return 0 if report.data["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
