"""Keeping the index in step with the pages: the outbox and what enqueues it, the documents
built from pages (attachments included), the zero-downtime rebuild and the synonym rules.

Sits on ``search.engine``, ``search.corpus`` and ``search.models``; never imports ``search.querying``.
Other apps enqueue through ``search.indexing.enqueue``.
"""
