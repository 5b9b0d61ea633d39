"""The bottom layer of the search: the Elasticsearch client, the Italian analysis, the mapping,
the versioned index behind its aliases, and the syntax of a synonym rule.

Knows nothing of pages, the outbox or queries; ``search.indexing`` and ``search.querying`` build on it.
"""
