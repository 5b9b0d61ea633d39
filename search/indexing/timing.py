"""Keeping "upcoming" true: an event stops being upcoming when its date passes, with no edit."""
from __future__ import annotations

from search.engine.versions import VersionedIndex
from search.indexing.enqueue import enqueue_many


def enqueue_stale_upcoming() -> int:
    """Send to the outbox the events the index calls upcoming whose (start) date has come."""
    index = VersionedIndex()
    response = index.client.search(
        index=index.read_alias,
        query={"bool": {"filter": [{"term": {"upcoming": True}}, {"range": {"date": {"lte": "now/d"}}}]}},
        source=False,
        size=1000,
    )
    ids = [int(hit["_id"]) for hit in response["hits"]["hits"]]
    return enqueue_many(ids, reason="timing")
