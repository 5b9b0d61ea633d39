"""Figure 2: publish-to-searchable latency, with a real Celery worker applying the search outbox.

One sample: give a good practice a unique word in its title, ``save_revision().publish()``
it here (the editor's action), then poll Elasticsearch until a search for that word finds
the page. The time splits into the publish transaction, the wait until the worker has
applied the outbox row (its ``processed_at``) and the wait for the index refresh.
"""
from __future__ import annotations

import time

from bench.env import ROOT
from bench.stats import log, percentile, progress, summary_ms

SAMPLES = 20
WARMUP = 2
TIMEOUT = 60
TARGET_P95_S = 2.0
MARK = " verificabench"


def _searchable(client, alias: str, page_id: int, token: str) -> bool:
    query = {"bool": {"filter": [{"term": {"page_id": page_id}}, {"match_phrase": {"title": token}}]}}
    return client.count(index=alias, query=query)["count"] > 0


def _publish_once(page, token: str, client, alias: str) -> dict:
    from search.models import OutboxEntry

    page.title = page.title.split(MARK)[0] + f"{MARK} {token}"
    revision = page.save_revision()
    wall0 = time.time()
    began = time.perf_counter()
    revision.publish()
    published = time.perf_counter() - began
    deadline = began + TIMEOUT
    while not _searchable(client, alias, page.pk, token):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"page {page.pk} not searchable after {TIMEOUT}s: is the worker applying the outbox?")
        time.sleep(0.01)
    searchable = time.perf_counter() - began
    row = OutboxEntry.objects.filter(page_id=page.pk).order_by("-id").first()
    applied = (row.processed_at.timestamp() - wall0) if row and row.processed_at else None
    return {"published": published, "applied": applied, "searchable": searchable}


def run(size: int) -> dict:
    from django.conf import settings
    from django.db import connection

    from cms.models import PracticePage
    from search.engine.versions import VersionedIndex
    from tests.support.worker import CeleryWorker

    index = VersionedIndex()
    worker = CeleryWorker(ROOT, connection.settings_dict, settings.CELERY_BROKER_URL)
    log("starting a Celery worker for the outbox ...")
    worker.start()
    samples = []
    try:
        pages = list(PracticePage.objects.live().order_by("pk")[: SAMPLES + WARMUP])
        with progress(len(pages), "publish -> searchable", "pub") as bar:
            for i, page in enumerate(pages):
                sample = _publish_once(page, f"pb{size}x{i}t{int(time.time())}", index.client, index.read_alias)
                if i >= WARMUP:
                    samples.append(sample)
                bar.update(1)
                time.sleep(0.2)
    finally:
        worker.stop()
    searchable = [s["searchable"] for s in samples]
    applied = [s["applied"] for s in samples if s["applied"] is not None]
    result = {
        "samples": len(samples),
        "searchable_s": {"p50": round(percentile(searchable, 50), 3), "p95": round(percentile(searchable, 95), 3),
                         "max": round(max(searchable), 3)},
        "publish_transaction_ms": summary_ms([s["published"] for s in samples], ps=(50, 95)),
        "outbox_applied_s": {"p50": round(percentile(applied, 50), 3) if applied else None,
                             "p95": round(percentile(applied, 95), 3) if applied else None},
        "refresh_interval": "1s (Elasticsearch default)",
    }
    log(f"publish -> searchable p50 {result['searchable_s']['p50']}s p95 {result['searchable_s']['p95']}s")
    return result


def targets(result: dict) -> list[dict]:
    p95 = result["searchable_s"]["p95"]
    return [{"name": "publish -> searchable p95 (s)", "target": f"<= {TARGET_P95_S}", "value": p95,
             "met": p95 is not None and p95 <= TARGET_P95_S, "profile": "publish"}]


def profile_work():
    """Publish and apply the outbox in this process (what the worker does), for 5 pages."""
    from cms.models import PracticePage
    from search.indexing.outbox import apply_pending

    pages = list(PracticePage.objects.live().order_by("-pk")[:5])

    def work():
        for i, page in enumerate(pages):
            page.title = page.title.split(MARK)[0] + f"{MARK} profilo{i}"
            page.save_revision().publish()
            apply_pending()

    return work, len(pages), "publish"
