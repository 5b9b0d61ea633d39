"""Elasticsearch killed while the site is in use: no 5xx, database search with a notice, nothing lost.

An Elasticsearch of the test's own is SIGKILLed (launcher and server JVM) while client
threads keep browsing pages and searching through a live server. Fifty pages are
published during the outage: publishing succeeds and the work waits in the search
outbox. Elasticsearch is started again on the same port and data path, the periodic
drain runs, and all fifty pages are found by the Elasticsearch search, each document
written exactly once (all rows of the page applied in one write, whose external version is
the document's ``_version``: no page indexed twice).
"""
from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest

from tests.reliability.conftest import is_down, not_written_once, report
from tests.reliability.traffic import PhasedTraffic
from tests import builders
from tests.support.app_server import fetch

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PUBLISHED_DURING_OUTAGE = 50
MARKER = "zafferano"  # a word no other page has: the search for it must find exactly our pages
NOTICE = "La ricerca avanzata non è disponibile in questo momento"


def _wait_for_elasticsearch_search(base: str, timeout: float) -> float:
    """Seconds until the search page is served by Elasticsearch again (no fallback notice)."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        status, body = fetch(f"{base}/cerca/?q={MARKER}")
        if status == 200 and NOTICE not in body:
            return time.monotonic() - began
        time.sleep(0.25)
    raise AssertionError(f"the search still falls back to the database {timeout}s after Elasticsearch came back")


@pytest.fixture
def es_on_own_node(own_elasticsearch, settings):
    from search.engine import client as search_client

    settings.ELASTICSEARCH_URLS = [own_elasticsearch.url]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"rel-{uuid.uuid4().hex[:8]}"
    search_client.reset()
    yield own_elasticsearch
    search_client.reset()


def test_elasticsearch_killed_while_in_use_then_everything_published_meanwhile_is_found_once(es_on_own_node, live_server):
    from search.engine.versions import VersionedIndex
    from search.models import OutboxEntry
    from search.querying.contract import SearchRequest
    from search.querying.elasticsearch import ElasticsearchBackend
    from search.tasks import drain_outbox

    node = es_on_own_node
    before = [builders.news(f"Notizia {MARKER} iniziale {n}", "Prima del guasto.") for n in range(3)]
    practice = builders.practice("Équipe multidisciplinare della Valdinievole", "Una buona pratica.")
    assert OutboxEntry.objects.filter(processed_at__isnull=True).count() == 0, "ES up: applied after each commit"
    index = VersionedIndex()
    index.client.indices.refresh(index=index.read_alias)

    paths = ["/", practice.url, f"/cerca/?q={MARKER}", "/cerca/?q=inclusione&tipo=notizia", "/cerca/suggerimenti/?q=equipe"]
    published: list[int] = []
    with PhasedTraffic(live_server.url, paths, clients=2, pause=0.05, inspect=lambda _p, _s, body: NOTICE in body) as browsing:
        browsing.wait_for("before", 10)
        browsing.phase = "outage"
        node.kill()
        assert is_down(node), "Elasticsearch killed"
        faults = ["Elasticsearch SIGKILLed (launcher and JVM)"]
        for n in range(PUBLISHED_DURING_OUTAGE):
            page = builders.news(f"Notizia {MARKER} durante il guasto {n}", "Pubblicata mentre Elasticsearch è spento.")
            assert page.live
            published.append(page.pk)
        browsing.wait_for("outage", 20)
        readyz_status, readyz = fetch(f"{live_server.url}/readyz")
        pending_during = OutboxEntry.objects.filter(processed_at__isnull=True).count()
        pending_pages = OutboxEntry.objects.filter(processed_at__isnull=True).values("page_id").distinct().count()
        failed_attempts = sum(OutboxEntry.objects.filter(processed_at__isnull=True).values_list("attempts", flat=True))

        browsing.phase = "restarting"
        began = time.monotonic()
        node.start()
        restart_seconds = time.monotonic() - began
        drained = drain_outbox()  # what celery beat runs every minute
        index.client.indices.refresh(index=index.read_alias)
        browsing.phase = "after"
        back_after = _wait_for_elasticsearch_search(live_server.url, timeout=60)  # past the circuit breaker
        browsing.wait_for("after", 20)
        browsing.phase = "end"

    found: set[int] = set()
    for number in (1, 2):  # 50 results per page at most
        result = ElasticsearchBackend().search(SearchRequest(q=MARKER, per_page=50, page=number))
        found |= {hit.page_id for hit in result.hits}
    twice = not_written_once(index, published)
    pending_after = OutboxEntry.objects.filter(processed_at__isnull=True).count()
    status, page_after = fetch(f"{live_server.url}/cerca/?q={MARKER}")

    answers = browsing.answers
    statuses = Counter((a.phase, a.status) for a in answers)
    errors = [a for a in answers if a.status >= 500 or a.status == 0]
    outage_searches = [a for a in answers if a.phase == "outage" and a.path.startswith("/cerca/?")]
    report(
        "Elasticsearch killed (SIGKILL) while the site is in use",
        faults_injected=len(faults),
        faults=faults,
        requests=len(answers),
        statuses={f"{p}:{s}": n for (p, s), n in sorted(statuses.items())},
        searches_during_outage_with_notice=f"{sum(bool(a.note) for a in outage_searches)}/{len(outage_searches)}",
        published_during_outage=len(published),
        outbox_pending_during_outage=f"{pending_during} rows for {pending_pages} pages ({failed_attempts} failed attempts kept)",
        readyz_during_outage=readyz,
        restart_seconds=round(restart_seconds, 1),
        drain=drained,
        search_back_on_elasticsearch_after_seconds=round(back_after, 1),
        found_after_drain=f"{len(found & set(published))}/{len(published)}",
        indexed_twice=len(twice),
        items_lost=len(set(published) - found),
    )
    assert not errors, f"5xx or dropped connections while Elasticsearch was away: {errors[:5]}"
    assert readyz_status == 200 and '"elasticsearch": "down"' in readyz, "degraded, still ready, and it says why"
    assert outage_searches and all(a.note for a in outage_searches), "every search in the outage says it is the fallback"
    assert not any(a.note for a in answers if a.phase == "before"), "no fallback notice while Elasticsearch is up"
    assert pending_pages == PUBLISHED_DURING_OUTAGE, "the work waited in the outbox"
    assert drained["applied"] == pending_during and not drained["unavailable"]
    assert pending_after == 0
    assert set(published) <= found, f"lost: {sorted(set(published) - found)}"
    assert found == set(published) | {p.pk for p in before}
    assert result.total == PUBLISHED_DURING_OUTAGE + len(before)
    assert not twice, f"indexed more than once: {twice}"
    assert status == 200 and NOTICE not in page_after, "after the drain the search page is served by Elasticsearch again"
