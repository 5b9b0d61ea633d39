"""The capacity model: how many of each engine a region needs, computed from the bench's own figures.

Nothing here is measured: it reads the figures of the largest size a ``make bench`` run
finished (report.json) and turns them into capacities per unit (a search node, a web
worker, a Celery worker) and into the count a region needs for a stated demand. The
demand's assumptions are written next to the table, so an operator can redo the sum
with their own. Rerun the bench on the production hardware before sizing from it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

# The region the issue asks about, and how we assume it behaves at its busiest.
PRACTITIONERS = 5_000
SUBSCRIBERS = 50_000
PEAK_HOUR_ACTIVE = 0.30  # share of practitioners using the portal in the busiest hour (after a newsletter)
PAGES_PER_SESSION = 8
SEARCHES_PER_SESSION = 3
BURST = 3.0  # the busiest second over the busiest hour's average
UNCACHED_SHARE = 0.5  # members and first views: pages the page cache cannot answer
EDITION_WITHIN_HOURS = 1.0  # an edition reaches every subscriber within this time
MIN_FOR_REDUNDANCY = 2  # one of each may fail (tests/reliability) without an outage
MIN_SEARCH_NODES = 3  # three master-eligible nodes: with one down the other two still elect a master


@dataclass(frozen=True)
class Row:
    unit: str
    capacity: float
    capacity_unit: str
    basis: str
    demand: float
    needed: int

    @property
    def headroom(self) -> float:
        return self.capacity * self.needed / self.demand if self.demand else math.inf


def _largest(results: dict) -> tuple[int, dict] | None:
    complete = [(int(size), figures) for size, figures in results.items()
                if all(k in figures for k in ("search", "pages", "newsletter"))]
    return max(complete) if complete else None


def demand() -> dict[str, float]:
    sessions_per_s = PRACTITIONERS * PEAK_HOUR_ACTIVE / 3600 * BURST
    return {
        "pages_per_s": sessions_per_s * PAGES_PER_SESSION,
        "searches_per_s": sessions_per_s * SEARCHES_PER_SESSION,
        "messages_per_h": SUBSCRIBERS / EDITION_WITHIN_HOURS,
    }


def model(data: dict) -> dict | None:
    """The rows of the capacity table from a report's data; None when no size has the figures needed."""
    found = _largest(data.get("results", {}))
    if found is None:
        return None
    size, figures = found
    cores = int(data.get("machine", {}).get("cores") or 1)
    wanted = demand()

    # One Elasticsearch node answers as many searches at once as it has search threads (one per core
    # with one shard): its capacity is cores x (1000 / the median `took`).
    took_p50 = figures["search"]["took"]["p50"] or 1.0
    search_node = cores * 1000.0 / took_p50
    # A sync gunicorn worker serves one request at a time: 1000 / its median server time.
    pages = figures["pages"]["pages"]
    uncached_p50 = sum(p["p50"] for p in pages) / len(pages)
    cached = [p["cached_p50"] for p in pages if p.get("cached_p50")]
    cached_p50 = sum(cached) / len(cached) if cached else uncached_p50
    worker_uncached = 1000.0 / uncached_p50
    worker_cached = 1000.0 / cached_p50
    # The web worker also spends our search overhead plus the search's own time per search.
    search_page_ms = figures["search"]["ours"]["p50"] + uncached_p50
    web_load = (wanted["pages_per_s"] * UNCACHED_SHARE / worker_uncached
                + wanted["pages_per_s"] * (1 - UNCACHED_SHARE) / worker_cached
                + wanted["searches_per_s"] * search_page_ms / 1000.0)
    messages_per_h = figures["newsletter"]["send"]["msg_per_s"] * 3600

    def needed(load_units: float) -> int:
        return max(MIN_FOR_REDUNDANCY, math.ceil(load_units))

    rows = [
        Row("Elasticsearch node", search_node, "searches/s", f"{cores} cores x 1000 / took p50 {took_p50:g} ms",
            wanted["searches_per_s"], max(MIN_SEARCH_NODES, math.ceil(wanted["searches_per_s"] / search_node))),
        Row("web worker (uncached pages)", worker_uncached, "pages/s", f"1000 / mean server p50 {uncached_p50:.1f} ms",
            wanted["pages_per_s"] * UNCACHED_SHARE, 0),
        Row("web worker (cached pages)", worker_cached, "pages/s", f"1000 / mean cached p50 {cached_p50:.2f} ms",
            wanted["pages_per_s"] * (1 - UNCACHED_SHARE), 0),
        Row("web workers, all traffic", 1.0, "worker-seconds/s",
            f"pages + searches ({search_page_ms:.0f} ms each) at the shares above", web_load, needed(web_load)),
        Row("Celery worker (newsletter)", messages_per_h, "messages/h",
            f"{figures['newsletter']['send']['msg_per_s']:g} msg/s end to end", wanted["messages_per_h"],
            needed(wanted["messages_per_h"] / messages_per_h)),
    ]
    load = figures.get("load")
    if load and load.get("gunicorn_workers"):
        # Cross-check: what one worker served in the load test (mixed pages, 50 clients, cache on).
        rows.insert(3, Row("web worker under the load test", load["req_per_s"] / load["gunicorn_workers"], "requests/s",
                           f"{load['req_per_s']:g} req/s over {load['gunicorn_workers']} workers, "
                           f"p95 {load['latency_ms']['p95']:g} ms", 0.0, 0))
    return {"size": size, "cores": cores, "demand": wanted, "rows": rows}


def markdown(data: dict) -> list[str]:
    computed = model(data)
    lines = ["## Capacity model", ""]
    if computed is None:
        return lines + ["Not computed: no size of this run has the search, pages and newsletter figures.", ""]
    d = computed["demand"]
    lines += [
        f"From the figures at {computed['size']:,} practices on this machine ({computed['cores']} cores), for a region "
        f"with {PRACTITIONERS:,} practitioners and {SUBSCRIBERS:,} subscribers. Assumed: {PEAK_HOUR_ACTIVE:.0%} of the "
        f"practitioners in the busiest hour, {PAGES_PER_SESSION} pages and {SEARCHES_PER_SESSION} searches each, the busiest "
        f"second {BURST:g}x the hour's average ({d['pages_per_s']:.1f} pages/s, {d['searches_per_s']:.1f} searches/s), "
        f"{UNCACHED_SHARE:.0%} of pages not from the page cache, an edition to everyone within "
        f"{EDITION_WITHIN_HOURS:g} h ({d['messages_per_h']:,.0f} messages/h). At least {MIN_FOR_REDUNDANCY} of each, so one can "
        "fail (the fault tests in tests/reliability show the others carry on); three search nodes, so a master is "
        "elected with one down.",
        "",
        "| unit | capacity of one | basis | demand | needed | headroom |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for row in computed["rows"]:
        needed = str(row.needed) if row.needed else "–"
        headroom = f"{row.headroom:.0f}x" if row.needed else "–"
        wanted = f"{row.demand:,.2f}" if row.demand else "–"
        lines.append(f"| {row.unit} | {row.capacity:,.1f} {row.capacity_unit} | {row.basis} | {wanted} "
                     f"| {needed} | {headroom} |")
    lines += ["", "The SMTP relay's own rate (and `NEWSLETTER_RATE_PER_SECOND`) bounds the newsletter before the "
              "worker does; the web workers' count is per deployment (spread them over two hosts).", ""]
    return lines
