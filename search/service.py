"""The entry point of the search page: Elasticsearch when it answers, else the database."""
from __future__ import annotations

import logging

from search.backends import elasticsearch_available, is_configured, mark_unavailable
from search.fallback import DatabaseBackend
from search.query import BackendUnavailable, ElasticsearchBackend, SearchRequest, SearchResult, notice_for_fallback

logger = logging.getLogger(__name__)


def _elasticsearch_usable() -> bool:
    # elasticsearch_available() remembers a failure for a few seconds: no timeout per visitor
    return is_configured() and elasticsearch_available()


def search(request: SearchRequest) -> SearchResult:
    """Run the search on the best backend available; never raises for bad input."""
    if _elasticsearch_usable():
        try:
            return ElasticsearchBackend().search(request)
        except BackendUnavailable as exc:
            mark_unavailable()
            logger.warning("search: Elasticsearch unavailable, answering from the database: %s", exc)
        result = DatabaseBackend().search(request)
        result.notice = notice_for_fallback()
        return result
    result = DatabaseBackend().search(request)
    if is_configured():
        result.notice = notice_for_fallback()
    return result


def autocomplete(q: str, user_is_member: bool = False) -> list[dict]:
    if _elasticsearch_usable():
        try:
            return ElasticsearchBackend().autocomplete(q, user_is_member)
        except BackendUnavailable:
            mark_unavailable()
    return DatabaseBackend().autocomplete(q, user_is_member)
