"""The percolator index: every confirmed alert stored as the query its search page runs.

``<prefix>-alerts`` (a versioned index like the content's, ``search.engine.versions``) has the
content document's mapping and analysis, so a stored query is parsed as the search page parses
it, plus a ``percolator`` field holding the query (``search.service.matching_query``) and the
alert's id. ``percolate(documents)`` asks, in one request, which alerts match which of a bulk
of documents (``_percolator_document_slot``), paging by alert id.

A node without the ``percolator`` module (every Elastic distribution has it; the test
harness's minimal node does not) gets the same answer the other way round: each distinct
saved query, built by the same function, searched in one ``msearch`` among the documents just
written to the content index (``_search_batch``). Same matches, cost growing with the number of
distinct saved searches instead of staying flat: ``search_status``-style logs say which runs.
"""
from __future__ import annotations

import logging

from elasticsearch.dsl import Integer, Percolator

from search.engine.client import get_client, is_configured
from search.engine.mapping import ContentDocument
from search.engine.versions import VersionedIndex

logger = logging.getLogger(__name__)

PAGE_SIZE = 5000
MSEARCH_CHUNK = 20  # searches per msearch request (fallback)
GROUP_SIZE = 100  # saved searches per search (fallback), each a named clause
GROUP_PREFIX = "saved-search:"
_module_cache: dict[tuple, tuple[float, bool]] = {}
MODULE_CHECK_SECONDS = 300


class AlertQuery(ContentDocument):
    """The content's fields (to parse the queries) plus the stored query and its alert."""

    query = Percolator()
    alert_id = Integer()


class AlertIndex(VersionedIndex):
    kind = "alerts"
    document = AlertQuery


def _index(client=None) -> AlertIndex:
    return AlertIndex(client)


def percolator_available(client=None) -> bool:
    """Whether every node has the ``percolator`` module (asked every few minutes)."""
    import time

    client = client or get_client()
    key = tuple(str(node.base_url) for node in client.transport.node_pool.all())
    now = time.monotonic()
    cached = _module_cache.get(key)
    if cached and now - cached[0] < MODULE_CHECK_SECONDS:
        return cached[1]
    nodes = client.nodes.info(metric="plugins")["nodes"].values()
    available = bool(nodes) and all(any(m["name"] == "percolator" for m in n.get("modules", [])) for n in nodes)
    if not available:
        logger.info("alerts: no percolator module on the Elasticsearch nodes: saved searches run as searches")
    _module_cache[key] = (now, available)
    return available


def ensure_index(index: AlertIndex | None = None) -> AlertIndex:
    """The percolator index, created (with the content's synonyms) on first use."""
    from search.indexing.synonyms import analysis_options

    index = index or _index()
    if not index.read_indices():
        options, meta = analysis_options(index.client, index.prefix)
        index.switch_to(index.create(synonyms=options, meta=meta))
    return index


def stored_query(alert) -> dict:
    from search.service import matching_query, request_from_query_string

    return matching_query(request_from_query_string(alert.query, member=alert.user_id is not None))


def store(alert, index: AlertIndex | None = None, refresh: bool = False) -> None:
    """Put (or replace) a confirmed alert's query in the percolator; a no-op without Elasticsearch."""
    if not is_configured() or not alert.confirmed or not percolator_available():
        return
    index = ensure_index(index)
    index.client.index(index=index.write_alias, id=str(alert.pk),
                       document={"query": stored_query(alert), "alert_id": alert.pk},
                       refresh="wait_for" if refresh else None)


def store_many(alerts, index: AlertIndex | None = None) -> int:
    """Bulk version of ``store`` (rebuilds, the benchmark)."""
    if not is_configured() or not percolator_available():
        return 0
    index = ensure_index(index)
    operations: list[dict] = []
    count = 0
    for alert in alerts:
        if not alert.confirmed:
            continue
        operations += [{"index": {"_index": index.write_alias, "_id": str(alert.pk)}},
                       {"query": stored_query(alert), "alert_id": alert.pk}]
        count += 1
        if len(operations) >= 2000:
            index.client.bulk(operations=operations)
            operations = []
    if operations:
        index.client.bulk(operations=operations)
    index.client.indices.refresh(index=index.read_alias)
    return count


def remove(alert_id: int) -> None:
    from elasticsearch import NotFoundError

    if not is_configured() or not percolator_available():
        return
    index = _index()
    try:
        index.client.delete(index=index.write_alias, id=str(alert_id))
    except NotFoundError:
        pass


def percolate(documents: list[dict], client=None) -> dict[int, set[int]]:
    """alert id -> the positions in ``documents`` it matches (one request per page of alerts)."""
    from elasticsearch import NotFoundError

    if not documents:
        return {}
    client = client or get_client()
    if not percolator_available(client):
        return _search_batch(documents, client)
    index = _index(client)
    found: dict[int, set[int]] = {}
    after = None
    while True:
        body = {
            "query": {"percolate": {"field": "query", "documents": documents}},
            "_source": False, "docvalue_fields": ["alert_id"], "size": PAGE_SIZE,
            "sort": [{"alert_id": "asc"}], "track_total_hits": False,
        }
        if after is not None:
            body["search_after"] = after
        try:
            response = index.client.search(index=index.read_alias, body=body)
        except NotFoundError:  # no alert was ever stored
            return {}
        hits = response["hits"]["hits"]
        for hit in hits:
            slots = hit.get("fields", {}).get("_percolator_document_slot", [0])
            found.setdefault(int(hit["fields"]["alert_id"][0]), set()).update(int(s) for s in slots)
        if len(hits) < PAGE_SIZE:
            return found
        after = hits[-1]["sort"]


def _search_batch(documents: list[dict], client) -> dict[int, set[int]]:
    """``percolate`` without the module: the distinct saved searches, built by the same function,
    run among the documents just written to the content index. Each search carries
    ``GROUP_SIZE`` of them as named clauses; a hit's ``matched_queries`` says which matched it."""
    from alerts.models import Alert
    from search.service import matching_query, request_from_query_string

    slots = {int(d["page_id"]): n for n, d in enumerate(documents)}
    groups: dict[tuple[str, bool], list[int]] = {}
    for alert_id, query, user_id in Alert.objects.filter(confirmed_at__isnull=False).values_list(
            "pk", "query", "user_id").iterator():
        groups.setdefault((query, user_id is not None), []).append(alert_id)
    if not groups:
        return {}
    content = VersionedIndex(client)
    client.indices.refresh(index=content.read_alias)  # the batch was just written
    ids = {"ids": {"values": [str(i) for i in slots]}}
    keys = list(groups)
    searches: list[dict] = []
    for start in range(0, len(keys), GROUP_SIZE):
        should = []
        for n in range(start, min(start + GROUP_SIZE, len(keys))):
            query, member = keys[n]
            should.append({"bool": {"filter": [matching_query(request_from_query_string(query, member=member))],
                                    "_name": f"{GROUP_PREFIX}{n}"}})
        searches += [{"index": content.read_alias}, {
            "query": {"bool": {"filter": [ids], "should": should, "minimum_should_match": 1}},
            "size": len(slots), "_source": False, "track_total_hits": False,
        }]
    found: dict[int, set[int]] = {}
    for start in range(0, len(searches), 2 * MSEARCH_CHUNK):
        answers = client.options(request_timeout=120).msearch(searches=searches[start:start + 2 * MSEARCH_CHUNK])
        for answer in answers["responses"]:
            if "error" in answer:
                logger.error("alerts: saved searches were refused: %s", answer["error"])
                continue
            for hit in answer["hits"]["hits"]:
                slot = slots.get(int(hit["_id"]))
                names = hit.get("matched_queries") or []
                for name in names if isinstance(names, list) else list(names):
                    if slot is not None and name.startswith(GROUP_PREFIX):
                        for alert_id in groups[keys[int(name[len(GROUP_PREFIX):])]]:
                            found.setdefault(alert_id, set()).add(slot)
    return found
