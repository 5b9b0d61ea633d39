"""Figure 1: full reindex, documents/s through ``search_reindex`` vs raw ``helpers.bulk`` into the same node.

The raw baseline indexes the very documents ``search_reindex`` produced (read back with
``scan`` beforehand, so building them costs nothing) into a fresh index with the same
settings and mapping, the same chunk size and the same refresh handling; its rate counts
what any full load into a new index does too: the synonyms set and the index creation
(also reported alone, ``index_creation_s``), the bulk requests, restoring the settings and
the final refresh. Ours is the whole command as an operator waits for it. The difference is
what the project adds: reading pages from the database and building their documents, the
alias switch and the catch-up of changes made meanwhile.
The node is warmed first, once per run, by an untimed ``search_reindex`` (reported as
``first_run_seconds``): the raw baseline always runs on a node that has indexed before, so
ours, run first on a freshly started node, would otherwise pay the JVM warming up and the
first creation of the synonyms set alone.
Wagtail's own ``update_index`` into its elasticsearch8 backend is timed too (it also builds
the peer index of the search figure) as a second, informational baseline.
"""
from __future__ import annotations

import time

from bench.stats import log, ratio

TARGET_DOCS_PER_S = 1000
TARGET_RATIO = 0.7
PROFILE_PAGES = 1500


_first_run: dict = {}  # "done" once the node is warm; "seconds" until reported (first size only)


def _ours() -> tuple[int, float]:
    import sys

    from django.core.management import call_command

    from search.engine.versions import VersionedIndex

    if not _first_run.get("done"):
        log("search_reindex: warming the node (untimed first run) ...")
        began = time.perf_counter()
        call_command("search_reindex", verbosity=2, no_progress=True, stdout=sys.stderr, stderr=sys.stderr)
        _first_run.update(done=True, seconds=round(time.perf_counter() - began, 2))
    began = time.perf_counter()
    call_command("search_reindex", verbosity=2, stdout=sys.stderr, stderr=sys.stderr)
    seconds = time.perf_counter() - began
    index = VersionedIndex()
    docs = index.client.count(index=index.read_alias)["count"]
    return docs, seconds


def _raw(docs_expected: int) -> tuple[int, float]:
    from elasticsearch import helpers

    from search.engine.versions import VersionedIndex
    from search.indexing.reindex import LOAD_CHUNK
    from search.indexing.synonyms import analysis_options

    index = VersionedIndex()
    client = index.client
    log(f"raw baseline: reading {docs_expected} built documents back (scan) ...")
    documents = [(hit["_id"], hit["_source"]) for hit in helpers.scan(client, index=index.read_alias, size=2000)]
    name = f"{index.base}-rawbaseline"
    index.delete(name)
    began = time.perf_counter()
    options, meta = analysis_options(client, index.prefix)
    index.create(name, synonyms=options, meta=meta, loading=True)
    created = time.perf_counter()
    ok, _errors = helpers.bulk(
        client.options(request_timeout=120),
        ({"_index": name, "_id": doc_id, "_source": source} for doc_id, source in documents),
        chunk_size=LOAD_CHUNK, raise_on_error=True,
    )
    index.loaded(name)
    client.indices.refresh(index=name)
    seconds = time.perf_counter() - began
    index.delete(name)
    return ok, seconds, created - began


def _wagtail() -> tuple[int, float]:
    """update_index into Wagtail's elasticsearch8 backend (builds the peer index of figure 3)."""
    import io

    from django.conf import settings
    from django.core.management import call_command

    from bench.settings import PEER_BACKEND
    from search.engine.client import get_client

    began = time.perf_counter()
    call_command("update_index", backend_name=PEER_BACKEND, stdout=io.StringIO())
    seconds = time.perf_counter() - began
    prefix = settings.WAGTAILSEARCH_BACKENDS[PEER_BACKEND]["INDEX_PREFIX"]
    docs = get_client().count(index=f"{prefix}*")["count"]
    return docs, seconds


def run(size: int) -> dict:
    log("search_reindex (ours) ...")
    docs, seconds = _ours()
    ours = docs / seconds
    log(f"search_reindex: {docs} documents in {seconds:.1f}s = {ours:.0f} docs/s")
    raw_docs, raw_seconds, create_seconds = _raw(docs)
    raw = raw_docs / raw_seconds
    log(f"raw helpers.bulk: {raw_docs} documents in {raw_seconds:.1f}s = {raw:.0f} docs/s")
    log("Wagtail update_index (elasticsearch8 backend, peer) ...")
    w_docs, w_seconds = _wagtail()
    log(f"Wagtail update_index: {w_docs} documents in {w_seconds:.1f}s = {w_docs / w_seconds:.0f} docs/s")
    return {
        "documents": docs,
        "seconds": round(seconds, 2),
        "docs_per_s": round(ours, 1),
        "raw": {"documents": raw_docs, "seconds": round(raw_seconds, 2), "docs_per_s": round(raw, 1),
                "index_creation_s": round(create_seconds, 2)},
        "ratio_to_raw": ratio(ours, raw),
        "first_run_seconds": _first_run.pop("seconds", None),  # the untimed warming run, cold node
        "wagtail_update_index": {"documents": w_docs, "seconds": round(w_seconds, 2),
                                 "docs_per_s": round(w_docs / w_seconds, 1)},
        "ratio_to_wagtail": ratio(ours, w_docs / w_seconds),
    }


def targets(result: dict) -> list[dict]:
    return [
        {"name": "reindex docs/s", "target": f">= {TARGET_DOCS_PER_S}", "value": result["docs_per_s"],
         "met": result["docs_per_s"] >= TARGET_DOCS_PER_S, "profile": "reindex"},
        {"name": "reindex / raw helpers.bulk", "target": f">= {TARGET_RATIO}", "value": result["ratio_to_raw"],
         "met": (result["ratio_to_raw"] or 0) >= TARGET_RATIO, "profile": "reindex"},
    ]


def profile_work():
    """The reindex bulk load over the first PROFILE_PAGES indexable pages, into a throwaway index."""
    from unittest import mock

    from search.corpus import indexable_pages
    from search.engine.versions import VersionedIndex
    from search.indexing import reindex
    from search.indexing.synonyms import analysis_options

    index = VersionedIndex()
    pks = list(indexable_pages().order_by("pk").values_list("pk", flat=True)[:PROFILE_PAGES])
    original = indexable_pages
    name = f"{index.base}-profile"

    def limited(*args, **kwargs):
        return original(*args, **kwargs).filter(pk__in=pks)

    def work():
        options, meta = analysis_options(index.client, index.prefix)
        index.delete(name)
        index.create(name, synonyms=options, meta=meta, loading=True)
        try:
            with mock.patch.object(reindex, "indexable_pages", limited):  # what the bulk load reads
                reindex._bulk_load(index, name)
        finally:
            index.delete(name)

    return work, len(pks), "document"
