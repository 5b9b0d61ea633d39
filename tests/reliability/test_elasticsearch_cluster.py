"""A three-node Elasticsearch cluster: one node killed under search and publish traffic (issue 22, item 1).

The harness starts three nodes on loopback forming one cluster (``start_elasticsearch_cluster``);
the portal is given all three URLs (``ELASTICSEARCH_URL`` comma-separated) and
``ELASTICSEARCH_REPLICAS=1``. The web is this test's live server; indexing runs in a real
Celery worker process of its own (own Redis broker), as in production, so the web's circuit
breaker only sees the web's own requests.

While two clients search and an editor publishes a page every few tenths of a second, the
node holding the primary copy of the content index is SIGKILLed. The index's shards are kept
off the elected master (an index setting of this test) so that the fault is the loss of a
data node and a primary, not a master election as well. Then the node is started again and
the cluster must return to green. Counted: searches by phase and status, searches answered
by the database fallback, pages published, pages missing from the index (lost), documents
whose state in the index is not the page's last applied write (twice: a write carried out
again, or an older one, over it), and the retried writes Elasticsearch refused.

Writes are at least once: a bulk request in flight on the killed primary may have reached the
replica, and the client's transport then sends it again to another node. Every write carries
an external version (the outbox's write clock), so the second copy is refused (409) and the
applier counts it (``ApplyReport.already_applied``, a warning line in the worker's log). A
document's ``_version`` is therefore the version of one write, not a count of writes: it is
compared with the version the page's last applied outbox row was written with
(``OutboxEntry.index_version``), and its title with the database's.

The second test runs the zero-downtime reindex and a synonym rule change on the cluster:
searches keep answering from Elasticsearch during the rebuild, and every copy of the
index (on two different nodes) applies the new rule.
"""
from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections import Counter

import pytest

from tests.reliability.conftest import _workdir, report
from tests import builders
from tests.support.app_server import ROOT, fetch
from tests.support.broker import celery_broker
from tests.support.waiting import wait_for
from tests.support.worker import CeleryWorker

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

MARKER = "corbezzolo"  # only our pages have it
NOTICE = "La ricerca avanzata non è disponibile in questo momento"


@pytest.fixture(scope="module")
def cluster():
    import shutil

    from tests.harness.elasticsearch import start_elasticsearch_cluster

    workdir = _workdir("es-cluster")
    began = time.monotonic()
    service = start_elasticsearch_cluster(workdir / "es", nodes=3, heap=os.environ.get("ES_HARNESS_HEAP", "384m"))
    service.start_seconds = round(time.monotonic() - began, 1)
    yield service
    service.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def portal_on_cluster(cluster, settings, monkeypatch):
    """The portal (this process and the worker it starts) on all three nodes, one replica, a fresh prefix."""
    from search.engine import client as search_client
    from search.engine.versions import VersionedIndex

    prefix = f"rel-cluster-{uuid.uuid4().hex[:8]}"
    for name, value in {"ELASTICSEARCH_URL": cluster.url, "ELASTICSEARCH_INDEX_PREFIX": prefix,
                        "ELASTICSEARCH_REPLICAS": "1"}.items():
        monkeypatch.setenv(name, value)
    settings.ELASTICSEARCH_URLS = cluster.urls
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    settings.ELASTICSEARCH_REPLICAS = 1
    search_client.reset()
    index = VersionedIndex()
    yield index
    search_client.reset()
    try:
        index.drop_everything()
        from search.indexing.synonyms import delete_set

        delete_set(index.client, prefix)
    except Exception:
        pass


@pytest.fixture
def indexing_worker(own_redis):
    """A real Celery worker on an own Redis (the session's worker must not take these tasks)."""
    from django.db import connection

    worker = CeleryWorker(ROOT, connection.settings_dict, own_redis.url)
    with celery_broker(own_redis.url):
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()


class Searching:
    """Client threads searching through the live server; (phase, status, fallback notice) kept."""

    def __init__(self, base: str, paths: list[str], threads: int = 2):
        self.base, self.paths = base, paths
        self.phase = "before"
        self.answers: list[tuple[str, int, bool]] = []
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(threads)]

    def _loop(self, n: int) -> None:
        i = n
        while self.running:
            path = self.paths[i % len(self.paths)]
            i += 1
            phase = self.phase
            status, body = fetch(self.base + path, timeout=30)
            with self.lock:
                self.answers.append((phase, status, NOTICE in body))
            time.sleep(0.05)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=60)

    def count(self, phase: str) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a[0] == phase)

    def wait_for(self, phase: str, count: int, timeout: float = 120) -> None:
        wait_for(lambda: self.count(phase) >= count, timeout, f"{count} searches in phase {phase}", interval=0.1)


class Publishing:
    """An editor publishing a page every few tenths of a second from a thread (its own DB connection)."""

    def __init__(self, searching: Searching):
        self.searching = searching
        self.published: list[tuple[str, int]] = []  # (phase, page id)
        self.errors: list[str] = []
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        from django.db import connection

        n = 0
        try:
            while self.running:
                phase = self.searching.phase
                try:
                    page = builders.news(f"Notizia {MARKER} numero {n}", f"Pubblicata nella fase {phase}.")
                    self.published.append((phase, page.pk))
                except Exception as exc:  # counted: publishing must not fail because a node is away
                    self.errors.append(f"{phase}: {exc!r}"[:300])
                n += 1
                time.sleep(0.3)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join(timeout=60)

    def count(self, phase: str) -> int:
        return sum(1 for p, _ in self.published if p == phase)


def _shard_nodes(index, name: str) -> dict[str, str]:
    """'primary'/'replica' -> node name of the content index's single shard."""
    rows = index.client.cat.shards(index=name, format="json")
    return {("primary" if row["prirep"] == "p" else "replica"): row["node"] for row in rows if row["state"] == "STARTED"}


def _versions(index, page_ids) -> dict[int, int | None]:
    return {pk: found and found[0] for pk, found in _documents(index, page_ids).items()}


def _documents(index, page_ids) -> dict[int, tuple[int, str] | None]:
    """page id -> (_version, title) of its document, or None."""
    from elasticsearch import NotFoundError

    found = {}
    for pk in page_ids:
        try:
            document = index.client.get(index=index.read_alias, id=str(pk), _source_includes=["title"])
            found[pk] = (document["_version"], document["_source"].get("title"))
        except NotFoundError:
            found[pk] = None
    return found


REFUSED = re.compile(r"search outbox: (\d+) writes refused by Elasticsearch as already applied")


def _refused_in_log(worker) -> int:
    """Writes the worker's applier saw refused as already applied (its warning lines)."""
    return sum(int(n) for n in REFUSED.findall(worker.log.read_text(errors="replace")))


def test_node_killed_under_search_and_publish_traffic(cluster, portal_on_cluster, indexing_worker, live_server):
    from django.db.models import Count, Max
    from wagtail.models import Page

    from search.indexing.outbox import ensure_index
    from search.models import OutboxEntry

    from search.tasks import drain_outbox

    index = portal_on_cluster
    name = ensure_index(index)[0]
    master = index.client.cat.master(format="json")[0]["node"]
    # Copies off the elected master: the fault is a data node with the primary, not an election too.
    index.client.indices.put_settings(index=name, settings={"index.routing.allocation.exclude._name": master})
    first = [builders.news(f"Notizia {MARKER} iniziale {n}", "Prima del guasto.") for n in range(3)]
    wait_for(lambda: all(_versions(index, [p.pk for p in first]).values()), 60, "the first pages indexed by the worker",
             interval=0.25)
    cluster.wait_for_status("green", nodes=3, timeout=120, no_relocating=True)
    settings_now = index.client.indices.get_settings(index=name)[name]["settings"]["index"]
    copies = _shard_nodes(index, name)
    victim = next(node for node in cluster.nodes if node.node_name == copies["primary"])

    paths = [f"/cerca/?q={MARKER}", f"/cerca/?q={MARKER}+iniziale&tipo=notizia", "/cerca/suggerimenti/?q=corbez"]
    timings = {}
    with Searching(live_server.url, paths) as searching, Publishing(searching) as publishing:
        searching.wait_for("before", 20)
        wait_for(lambda: publishing.count("before") >= 3, 60, "pages published before the fault")

        searching.phase = "node down"
        began = time.monotonic()
        victim.kill()
        yellow = cluster.wait_for_status("yellow", nodes=2, timeout=120)
        timings["to_yellow_on_two_nodes_s"] = round(time.monotonic() - began, 1)
        promoted = _shard_nodes(index, name)
        searching.wait_for("node down", 40)
        wait_for(lambda: publishing.count("node down") >= 10, 120, "pages published with the node down")

        searching.phase = "rejoining"
        began = time.monotonic()
        victim.start()  # same port, data path and node name
        timings["node_restart_s"] = round(time.monotonic() - began, 1)
        began = time.monotonic()
        green = cluster.wait_for_status("green", nodes=3, timeout=180)
        timings["back_to_green_s"] = round(time.monotonic() - began, 1)

        searching.phase = "after"
        searching.wait_for("after", 20)
        wait_for(lambda: publishing.count("after") >= 3, 60, "pages published after the fault")
        searching.phase = "end"
    publish_errors = list(publishing.errors)

    # The worker applies what each publication queued; the periodic drain (beat) catches a batch
    # the worker had to leave pending while the primary was being promoted.
    published = [pk for _phase, pk in publishing.published] + [p.pk for p in first]
    drained = drain_outbox()
    wait_for(lambda: not OutboxEntry.objects.filter(processed_at__isnull=True).exists(), 60,
             "the outbox applied")
    index.client.indices.refresh(index=index.read_alias)
    documents = _documents(index, published)
    lost = sorted(pk for pk, found in documents.items() if found is None)
    # Each write carries an external version: a bulk request retried on another node after it
    # had been carried out is refused the second time (counted: retried_writes_refused), so a
    # document's _version is the version of the page's last applied write, and its title the
    # database's. A document at another version was written again, or by an older write, after
    # that last write (twice); 0 by construction now that Elasticsearch refuses such writes.
    queued = dict(OutboxEntry.objects.filter(page_id__in=published).values("page_id")
                  .annotate(n=Count("id")).values_list("page_id", "n"))
    last_written = dict(OutboxEntry.objects.filter(page_id__in=published, processed_at__isnull=False)
                        .values("page_id").annotate(v=Max("index_version")).values_list("page_id", "v"))
    titles = dict(Page.objects.filter(pk__in=published).values_list("pk", "title"))
    twice = sorted(pk for pk, found in documents.items() if found and found[0] != last_written.get(pk))
    stale_titles = sorted(pk for pk, found in documents.items() if found and found[1] != titles.get(pk))
    refused = _refused_in_log(indexing_worker) + (drained or {}).get("already_applied", 0)
    hits = index.client.search(index=index.read_alias, query={"match": {"title": MARKER}}, size=1000,
                               _source=False)["hits"]["hits"]
    hit_ids = Counter(int(h["_id"]) for h in hits)
    retried_rows = OutboxEntry.objects.filter(attempts__gt=0).count()

    answers = searching.answers
    statuses = Counter((phase, status) for phase, status, _notice in answers)
    failed = [a for a in answers if a[1] >= 500 or a[1] == 0]
    fallback = Counter(phase for phase, _status, notice in answers if notice)
    report(
        "Elasticsearch cluster: one of three nodes killed (SIGKILL) under search and publish traffic",
        elasticsearch=f"{cluster.version}, 3 nodes, cluster started in {cluster.start_seconds}s",
        index=f"{settings_now['number_of_shards']} shard, {settings_now['number_of_replicas']} replica; "
              f"primary on {copies['primary']}, replica on {copies['replica']}, master {master}",
        fault=f"{victim.node_name} (primary) SIGKILLed; primary promoted to {promoted.get('primary')}",
        cluster_while_down=f"{yellow['status']}, {yellow['number_of_nodes']} nodes",
        cluster_after=f"{green['status']}, {green['number_of_nodes']} nodes",
        timings=timings,
        requests=len(answers),
        statuses={f"{p}:{s}": n for (p, s), n in sorted(statuses.items())},
        failed_searches=len(failed),
        searches_from_database_fallback=dict(fallback),
        published={phase: publishing.count(phase) for phase in ("before", "node down", "rejoining", "after")},
        publish_errors=len(publish_errors),
        outbox_rows_retried=retried_rows,
        drain_at_end=drained,
        items_lost=len(lost),
        outbox_rows=f"{sum(queued.values())} for {len(published)} pages",
        documents_at_last_written_version=f"{sum(1 for pk in published if pk not in twice and pk not in lost)}"
                                          f"/{len(published)}",
        items_twice=len(twice),
        retried_writes_refused=refused,
        documents_with_a_stale_title=len(stale_titles),
        search_hits_duplicated=sum(1 for n in hit_ids.values() if n > 1),
    )
    assert settings_now["number_of_replicas"] == "1", "ELASTICSEARCH_REPLICAS=1 reached the index"
    assert copies["primary"] != copies["replica"]
    assert promoted.get("primary") == copies["replica"], "the replica became the primary"
    assert not failed, f"failed searches: {failed[:5]}"
    assert not fallback, f"searches answered by the database while a node was down: {dict(fallback)}"
    assert not publish_errors, publish_errors[:3]
    assert searching.count("node down") > 0 and publishing.count("node down") >= 10
    assert not lost, f"pages never indexed: {lost}"
    assert not twice, f"documents not at their last applied write: {[(pk, documents[pk], last_written.get(pk)) for pk in twice]}"
    assert not stale_titles, f"documents whose title is not the database's: {stale_titles}"
    assert set(hit_ids) == set(published) and max(hit_ids.values()) == 1
    assert green["status"] == "green" and green["number_of_nodes"] == 3


def test_zero_downtime_reindex_and_synonyms_update_on_the_cluster(cluster, portal_on_cluster, live_server):
    from search.indexing.outbox import apply_pending, ensure_index
    from search.indexing.reindex import apply_rule_change, rebuild
    from search.models import SynonymRule

    index = portal_on_cluster
    old = ensure_index(index)[0]
    pages = [builders.news(f"Notizia {MARKER} sul sistema di accoglienza e integrazione {n}",
                          "Sistema di accoglienza e integrazione dei richiedenti asilo.") for n in range(20)]
    apply_pending()
    index.client.indices.refresh(index=index.read_alias)

    with Searching(live_server.url, [f"/cerca/?q={MARKER}", f"/cerca/?q={MARKER}+accoglienza"]) as searching:
        searching.wait_for("before", 10)
        searching.phase = "reindex"
        began = time.monotonic()
        rebuilt = rebuild()
        reindex_seconds = round(time.monotonic() - began, 1)
        searching.wait_for("reindex", 10)
        searching.phase = "synonyms"
        SynonymRule.objects.create(terms="SPRAR, sistema di accoglienza e integrazione")
        began = time.monotonic()
        how = apply_rule_change()
        reload_seconds = round(time.monotonic() - began, 1)
        searching.wait_for("synonyms", 10)
        searching.phase = "end"

    new = index.read_indices()
    green = cluster.wait_for_status("green", nodes=3, timeout=120)
    copies = _shard_nodes(index, new[0])
    node_ids = {n["name"]: node_id for node_id, n in index.client.nodes.info()["nodes"].items()}
    per_copy = {}
    for role, node_name in copies.items():  # each copy answers on its own node, with the new rule
        response = index.client.search(index=index.read_alias, preference=f"_only_nodes:{node_ids[node_name]}",
                                       query={"match": {"all_text": {"query": "SPRAR", "operator": "and"}}},
                                       size=50, _source=False)
        per_copy[f"{role} on {node_name}"] = len(response["hits"]["hits"])
    settings_now = index.client.indices.get_settings(index=new[0])[new[0]]["settings"]["index"]
    answers = searching.answers
    statuses = Counter((phase, status) for phase, status, _notice in answers)
    failed = [a for a in answers if a[1] >= 500 or a[1] == 0 or a[2]]
    report(
        "Elasticsearch cluster: zero-downtime reindex and synonyms set update",
        requests=len(answers),
        statuses={f"{p}:{s}": n for (p, s), n in sorted(statuses.items())},
        failed_or_fallback_searches=len(failed),
        reindex=f"{old} -> {new} in {reindex_seconds}s ({rebuilt.loaded} documents)",
        new_index=f"{settings_now['number_of_shards']} shard, {settings_now['number_of_replicas']} replica, "
                  f"cluster {green['status']}",
        synonyms=f"{how} in {reload_seconds}s",
        hits_for_the_new_synonym_per_copy=per_copy,
    )
    assert not failed, f"failed or fallback searches during reindex/synonyms: {failed[:5]}"
    assert new != [old] and rebuilt.loaded == len(pages)
    assert settings_now["number_of_replicas"] == "1" and len(copies) == 2 and len(set(copies.values())) == 2
    assert how == "reload"
    assert set(per_copy.values()) == {len(pages)}, f"a copy did not reload the rules: {per_copy}"
