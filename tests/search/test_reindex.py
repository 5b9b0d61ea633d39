"""Zero-downtime rebuild: searches keep answering, results are the same after the alias swap,
and changes made while the index was loading are not lost."""
from __future__ import annotations

import threading
import time

import pytest
from search.indexing.reindex import rebuild
from search.querying.contract import SearchRequest
from search.querying.elasticsearch import ElasticsearchBackend
from tests import builders

pytestmark = [pytest.mark.services, pytest.mark.django_db]


class Searcher(threading.Thread):
    """Searches continuously (Elasticsearch only, no database) and records every outcome."""

    def __init__(self, client, alias: str, body: dict):
        super().__init__(daemon=True)
        self.client, self.alias, self.body = client, alias, body
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.totals: list[int] = []
        self.served_by: set[str] = set()

    def run(self):
        while not self.stop.is_set():
            try:
                response = self.client.search(index=self.alias, body=self.body)
                self.totals.append(len(response["hits"]["hits"]))  # the page holds them all (per_page 50)
                self.served_by.update(hit["_index"] for hit in response["hits"]["hits"])
            except Exception as exc:  # any failure is a test failure
                self.failures.append(repr(exc))
            time.sleep(0.005)


class SlowProgress:
    """A progress bar that slows the bulk load down, so the searcher runs all along it."""

    def __init__(self, total):
        pass

    def update(self, n):
        time.sleep(0.05)

    def close(self):
        pass


def test_reindex_while_searching_swaps_without_a_failed_search(es):
    pages = [builders.news(f"Tavolo di coprogettazione {n}", f"coprogettazione con il terzo settore, incontro {n}") for n in range(12)]
    builders.news("Altro argomento", "mense scolastiche")
    es.drain()
    old_index = es.index.read_indices()
    before = [h.page_id for h in es.search("coprogettazione", per_page=50).hits]
    assert sorted(before) == sorted(p.pk for p in pages)

    body = ElasticsearchBackend().body(SearchRequest(q="coprogettazione", per_page=50))
    searcher = Searcher(es.client, es.index.read_alias, body)
    searcher.start()
    time.sleep(0.2)
    try:
        report = rebuild(progress=SlowProgress)
        time.sleep(0.2)
    finally:
        searcher.stop.set()
        searcher.join(10)

    assert searcher.failures == []
    assert len(searcher.totals) > 10 and set(searcher.totals) == {12}
    new_index = es.index.read_indices()
    assert new_index == [report.index]
    assert searcher.served_by == {old_index[0], report.index}  # searched before and after the swap
    assert new_index != old_index and len(new_index) == 1
    assert es.index.write_indices() == new_index
    assert es.index.all_versions() == new_index  # the old version is gone
    es.refresh()
    after = [h.page_id for h in es.search("coprogettazione", per_page=50).hits]
    assert sorted(after) == sorted(before)


def test_changes_made_during_the_bulk_load_are_caught_up(es):
    first = builders.news("Prima notizia sugli empori", "empori solidali")
    es.drain()
    made: dict = {}

    class Progress:
        """The progress bar hook: publishes and unpublishes pages halfway through the load."""

        def __init__(self, total):
            self.calls = 0

        def update(self, n):
            self.calls += 1
            if self.calls == 1:
                made["new"] = builders.news("Notizia arrivata durante la ricostruzione", "empori solidali nuovi")
                first.unpublish()

        def close(self):
            pass

    report = rebuild(progress=Progress)
    es.refresh()
    assert report.caught_up >= 2
    assert es.ids("empori") == [made["new"].pk]
    assert es.count() == 1
