"""The numbers ``manage.py search_status`` prints (also useful to the readiness checks)."""
from __future__ import annotations

from collections import Counter

from search.corpus import indexable_pages, indexed_models
from search.engine.client import get_client, is_configured, probe, problem
from search.engine.versions import VersionedIndex
from search.indexing.outbox import backlog


def collect() -> dict:
    kinds = {m.content_kind: m for m in indexed_models()}
    in_db = Counter()
    for model in indexed_models():
        in_db[model.content_kind] = indexable_pages().type(model).count()
    status = {
        "configured": is_configured(),
        "database": dict(in_db),
        "database_total": sum(in_db.values()),
        "outbox": backlog(),
        "index": None,
    }
    if not is_configured():
        return status
    status["elasticsearch"] = probe()  # asked now, not the few seconds' memory of the probes
    status["problem"] = problem(status["elasticsearch"])
    if status["elasticsearch"] != "ok":
        status["index"] = {"error": status["problem"]}
        return status
    index = VersionedIndex(get_client())
    try:
        read = index.read_indices()
        info = {"read_alias": index.read_alias, "read": read, "write": index.write_indices(), "versions": index.all_versions()}
        if read:
            name = read[0]
            info["version"] = index.version_of(name)
            info["meta"] = index.meta(name)
            info["schema"] = {"index": info["meta"].get("schema"), "code": index.schema()}
            info["reindex_needed"] = info["schema"]["index"] != info["schema"]["code"]
            response = index.client.search(index=index.read_alias, size=0, aggs={"types": {"terms": {"field": "content_type", "size": 50}}})
            info["documents"] = {b["key"]: b["doc_count"] for b in response["aggregations"]["types"]["buckets"]}
            info["documents_total"] = response["hits"]["total"]["value"]
            shape = index.client.indices.get_settings(index=name)[name]["settings"]["index"]
            info["shards"] = int(shape["number_of_shards"])
            info["replicas"] = int(shape.get("number_of_replicas", 0))
            health = index.client.cluster.health(index=name)
            info["health"] = {"status": health["status"], "nodes": health["number_of_nodes"]}
        status["index"] = info
    except Exception as exc:
        status["index"] = {"error": str(exc)}
    status["kinds"] = sorted(kinds)
    return status
