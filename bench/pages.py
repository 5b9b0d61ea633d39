"""Figure 4: server time and SQL query count of the public pages.

Requests go through Django's full handler and middleware in this process (``django.test.Client``,
DEBUG off, production settings), so "server time" is the time from request to rendered
response, without network. The query count is taken on a separate request (counting adds
a little time). Each page is timed twice: uncached (PAGE_CACHE_SECONDS=0: rendered every
time) and cached (the page cache of portal/pagecache.py on the shared Redis cache, after one
request that stores it), as an anonymous visitor.
"""
from __future__ import annotations

import math
import time

from bench.stats import log, progress, summary_ms

SAMPLES = 20
MAX_SECONDS_PER_PAGE = 25
TARGET_P95_MS = 60
TARGET_CACHED_P95_MS = 5


def _index_pages():
    from cms.models import INDEX_PAGE_MODELS

    return [m.objects.live().first() for m in INDEX_PAGE_MODELS]


def page_urls() -> list[tuple[str, str]]:
    """(label, path) of every page the figure measures, chosen deterministically."""
    from django.db.models import Count

    from cms.models.listing import public_pages
    from cms.models import DataPage, NewsPage, NormPage, PracticePage, SeminarPage, WorkshopPage, Zona

    urls = [("home", "/")]
    for index in _index_pages():
        if index is None:
            continue
        model = index.get_listing_model()
        count = public_pages(model, index).count()
        pages = max(1, math.ceil(count / (index.page_size or 12)))
        name = index.slug
        urls.append((f"index {name}", index.url))
        urls.append((f"index {name} deep (page {max(1, int(pages * 0.9))} of {pages})",
                     f"{index.url}?page={max(1, int(pages * 0.9))}"))
    for model in (PracticePage, SeminarPage, WorkshopPage, NormPage, NewsPage, DataPage):
        qs = public_pages(model).order_by("pk")
        n = qs.count()
        if n:
            page = qs[n // 2]
            urls.append((f"detail {model.content_kind}", page.url))
    zona = Zona.objects.annotate(n=Count("practices")).order_by("-n", "slug").first()
    if zona is not None:
        urls.append((f"zona with most practices ({zona.slug})", f"/zone/{zona.slug}/"))
    return urls


def _count_queries(client, path) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return len(ctx.captured_queries), response.status_code


def _time(client, path) -> tuple[list[float], int]:
    client.get(path)  # warm-up
    durations, status = [], 200
    deadline = time.monotonic() + MAX_SECONDS_PER_PAGE
    for _ in range(SAMPLES):
        began = time.perf_counter()
        response = client.get(path)
        durations.append(time.perf_counter() - began)
        if response.status_code != 200:
            status = response.status_code
        if time.monotonic() > deadline and len(durations) >= 5:
            break
    return durations, status


def run(size: int) -> dict:
    from django.conf import settings
    from django.test import Client, override_settings

    client = Client()
    urls = page_urls()
    rows = []
    cache_seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0) or 300
    with progress(len(urls), "pages", "page") as bar:
        for label, path in urls:
            with override_settings(PAGE_CACHE_SECONDS=0):
                queries, status = _count_queries(client, path)
                durations, timed_status = _time(client, path)
            with override_settings(PAGE_CACHE_SECONDS=cache_seconds):
                cached, _status = _time(client, path)
                served = client.get(path).get("X-Page-Cache")
            s = summary_ms(durations, ps=(50, 95))
            c = summary_ms(cached, ps=(50, 95))
            rows.append({"page": label, "path": path, "status": status if status != 200 else timed_status,
                         "queries": queries, **s, "cached_p50": c["p50"], "cached_p95": c["p95"], "cache": served or "not cached"})
            bar.update(1)
    # page size: the same listing at 12 and 48 items per page must cost the same number of queries
    practice_index = next((i for i in _index_pages() if i is not None and i.slug == "buone-pratiche"), None)
    per_page = {}
    if practice_index is not None:
        with override_settings(PAGE_CACHE_SECONDS=0):
            for n in (12, 48):
                per_page[str(n)] = _count_queries(client, f"{practice_index.url}?per_page={n}")[0]
    worst = max(rows, key=lambda r: r["p95"] or 0)
    log(f"pages: worst p95 {worst['p95']} ms ({worst['page']}), queries {min(r['queries'] for r in rows)}-"
        f"{max(r['queries'] for r in rows)}")
    return {"pages": rows, "pages_by_label": {r["page"]: r["p95"] for r in rows}, "queries_by_page_size": per_page, "worst": {"page": worst["page"], "path": worst["path"],
                                                                      "p95": worst["p95"]},
            "cache_layer": True, "cached_worst": max((r["cached_p95"] or 0) for r in rows) if rows else None}


def _kind(label: str) -> str:
    """The page's role without the instance in brackets ('zona with most practices (x)' -> 'zona with most practices')."""
    return label.split(" (")[0]


def targets(result: dict, size: int, previous: dict | None) -> list[dict]:
    out = []
    slow = [r for r in result["pages"] if (r["p95"] or 0) > TARGET_P95_MS]
    out.append({"name": "pages uncached p95 (ms), worst page", "target": f"<= {TARGET_P95_MS}",
                "value": result["worst"]["p95"], "met": not slow, "profile": "pages",
                "detail": ", ".join(f"{r['page']} {r['p95']}" for r in slow)})
    cached_slow = [r for r in result["pages"] if (r.get("cached_p95") or 0) > TARGET_CACHED_P95_MS]
    out.append({"name": "pages cached p95 (ms), worst page", "target": f"<= {TARGET_CACHED_P95_MS}",
                "value": result.get("cached_worst"), "met": bool(result.get("cache_layer")) and not cached_slow,
                "detail": ", ".join(f"{r['page']} {r['cached_p95']} ({r.get('cache')})" for r in cached_slow)})
    by_size = result.get("queries_by_page_size") or {}
    same_page_size = len(set(by_size.values())) <= 1
    out.append({"name": "SQL queries independent of page size (12 vs 48 items)", "target": "equal",
                "value": by_size, "met": same_page_size})
    if previous:
        before = {_kind(r["page"]): r["queries"] for r in previous["pages"]}
        changed = [f"{r['page']}: {before[k]} -> {r['queries']}" for r in result["pages"]
                   if (k := _kind(r["page"])) in before and before[k] != r["queries"]]
        out.append({"name": "SQL queries independent of data size (vs previous size)", "target": "equal",
                    "value": len(changed), "met": not changed, "detail": "; ".join(changed), "profile": "pages"})
    errors = [f"{r['page']}: HTTP {r['status']}" for r in result["pages"] if r["status"] != 200]
    if errors:
        out.append({"name": "pages answer 200", "target": "all", "value": len(errors), "met": False,
                    "detail": "; ".join(errors)})
    return out


def profile_work(result: dict):
    """Two requests of every measured page (the worst one included), in the order measured."""
    from django.test import Client

    client = Client()
    paths = [r["path"] for r in result["pages"]]

    def work():
        from django.test import override_settings

        with override_settings(PAGE_CACHE_SECONDS=0):  # the uncached path is what misses its target
            for _ in range(2):
                for path in paths:
                    client.get(path)

    return work, 2 * len(paths), "request"
