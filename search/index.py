"""The small public API other apps use to keep the search index in step.

    from search.index import enqueue
    enqueue(page)            # this page changed (or disappeared): re-check it after commit

Everything goes through the outbox, in the caller's transaction (``search.indexing``).
"""
from search.indexing.enqueue import enqueue

__all__ = ["enqueue"]
