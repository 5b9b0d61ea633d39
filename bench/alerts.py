"""Alerts on searches (issue 19): percolating with 10,000 saved searches, and the digest's memory.

- percolate: 10,000 confirmed alerts (words from the corpus's vocabulary, a zona or a type
  facet on some, a tenth of them members') are stored; then the documents of 500 live
  practices are percolated as one outbox batch is (``alerts.matching.percolate_documents``'s
  query step, ``alerts.percolator.percolate``), and one document alone (one published page).
  Which way it runs is reported: the ``percolator`` module, or the saved searches searched
  among the batch when the node lacks the module (the test harness's node).
- digest memory: tracemalloc peak of ``send_digests`` (locmem mail) with 1,000 and then
  10,000 alerts holding a match each; flat means the ratio stays under 2.
Publish -> digest-ready with the worker is not measured here (the outbox part is ``publish``).
"""
from __future__ import annotations

import random
import time
import tracemalloc

from bench.stats import log, summary_ms

ALERTS = 10_000
BATCH = 500
SAMPLES = 7
TARGET_BATCH_P95_MS = 200.0
TARGET_ONE_P95_MS = 50.0
WORDS = ["tirocini", "inclusione", "lavoro", "équipe", "casa", "povertà", "giovani", "anziani", "disabilità",
         "formazione", "rete", "servizi", "sociale", "famiglie", "minori", "salute", "integrazione", "comunità",
         "volontariato", "scuola", "migranti", "dipendenze", "abitare", "reddito", "orientamento"]


def _queries(count: int, seed: int = 19) -> list[tuple[str, bool]]:
    from cms.models import Zona

    rng = random.Random(seed)
    zones = list(Zona.objects.values_list("slug", flat=True)) or [""]
    types = ["practice", "news", "seminar", "norm"]
    out = []
    for n in range(count):
        words = " ".join(rng.sample(WORDS, rng.choice((1, 1, 2, 3))))
        query = f"q={words.replace(' ', '+')}"
        if n % 3 == 0:
            query += f"&zona={rng.choice(zones)}"
        elif n % 3 == 1:
            query += f"&tipo={rng.choice(types)}"
        out.append((query, n % 10 == 0))
    return out


def _make_alerts(count: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from alerts.models import Alert

    Alert.objects.filter(email__endswith="@bench.invalid").delete()
    user, _ = get_user_model().objects.get_or_create(username="bench-alerts", defaults={"email": "socio@bench.invalid"})
    now = timezone.now()
    Alert.objects.bulk_create([
        Alert(email=f"a{n}@bench.invalid", query=query, user=user if member else None, confirmed_at=now)
        for n, (query, member) in enumerate(_queries(count))], batch_size=2000)
    return Alert.objects.filter(email__endswith="@bench.invalid")


def run(size: int) -> dict:
    from alerts import percolator
    from search.indexing.documents import build_documents
    from cms.models import PracticePage

    alerts = _make_alerts(ALERTS)
    index = percolator.AlertIndex()
    index.drop_everything()
    began = time.perf_counter()
    stored = percolator.store_many(alerts.iterator())
    store_s = time.perf_counter() - began
    pages = list(PracticePage.objects.live().order_by("pk")[:BATCH])
    documents = [doc for _page, doc, error in build_documents(pages) if doc is not None and error is None]
    mode = "percolator" if percolator.percolator_available() else "saved searches searched among the batch"
    log(f"alerts: {ALERTS} alerts ({stored} in the percolator), {len(documents)} documents, mode: {mode}")
    batch, one, matched = [], [], 0
    for n in range(SAMPLES):
        t0 = time.perf_counter()
        found = percolator.percolate(documents)
        batch.append(time.perf_counter() - t0)
        matched = sum(len(v) for v in found.values())
        t0 = time.perf_counter()
        percolator.percolate(documents[n:n + 1])
        one.append(time.perf_counter() - t0)
    memory = digest_memory()
    alerts.delete()
    index.drop_everything()
    return {"mode": mode, "alerts": ALERTS, "documents": len(documents), "store_s": round(store_s, 2),
            "matches_per_batch": matched, "batch_ms": summary_ms(batch), "one_ms": summary_ms(one), **memory}


def digest_memory() -> dict:
    """tracemalloc peak of send_digests with 1,000 then 10,000 alerts holding one match each."""
    from django.test.utils import override_settings

    from alerts import digest
    from alerts.models import AlertMatch
    from cms.models import PracticePage

    page = PracticePage.objects.live().first()
    peaks = {}
    for count in (1_000, 10_000):
        alerts = _make_alerts(count)
        AlertMatch.objects.bulk_create([AlertMatch(alert_id=pk, page_id=page.pk, published_at=page.last_published_at)
                                        for pk in alerts.values_list("pk", flat=True)], batch_size=2000)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            tracemalloc.start()
            t0 = time.perf_counter()
            sent = digest.send_digests()
            seconds = time.perf_counter() - t0
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        peaks[count] = {"peak_mb": round(peak / 2**20, 2), "sent": sent, "seconds": round(seconds, 1)}
        alerts.delete()
    return {"digest": peaks}


def targets(result: dict) -> list[dict]:
    batch = result["batch_ms"]["p95"]
    one = result["one_ms"]["p95"]
    small, large = result["digest"][1_000]["peak_mb"], result["digest"][10_000]["peak_mb"]
    ratio = round(large / small, 2) if small else None
    return [
        {"name": f"percolate {BATCH} documents with {ALERTS:,} alerts p95 (ms) [{result['mode']}]",
         "target": f"<= {TARGET_BATCH_P95_MS:g}", "value": batch, "met": batch is not None and batch <= TARGET_BATCH_P95_MS},
        {"name": f"percolate one published page with {ALERTS:,} alerts p95 (ms) [{result['mode']}]",
         "target": f"<= {TARGET_ONE_P95_MS:g}", "value": one, "met": one is not None and one <= TARGET_ONE_P95_MS},
        {"name": "digest task peak memory 10k / 1k alerts", "target": "<= 2", "value": ratio,
         "met": ratio is not None and ratio <= 2},
    ]
