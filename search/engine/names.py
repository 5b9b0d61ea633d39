"""The names of the portal's indices: ``<prefix>-<kind>``, the prefix from ``ELASTICSEARCH_INDEX_PREFIX``.

The versioned index (versions.py) builds its aliases and versions on this name; the client's
probe (client.py) counts on the content's read alias to learn whether the portal may read its
own indices. Both sit on this module, so the client need not know how indices are versioned.
"""
from __future__ import annotations

from django.conf import settings

CONTENT = "content"  # the one index of public content


def index_prefix(prefix: str | None = None) -> str:
    """``prefix``, or the configured one ("cdp" when unset), in lower case as Elasticsearch wants it."""
    return (prefix or settings.ELASTICSEARCH_INDEX_PREFIX or "cdp").lower()


def index_base(kind: str, prefix: str | None = None) -> str:
    """The name of a logical index, which is also its read alias."""
    return f"{index_prefix(prefix)}-{kind}"
