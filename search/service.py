"""The entry point of the search: Elasticsearch when it answers, else the database.

The public face of ``search/`` for views, other apps and tools: ``search``, ``autocomplete``
and the contract they speak (``SearchRequest``, ``SearchResult``), whichever backend answers.
"""
from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from search.engine.client import elasticsearch_available, is_configured, mark_unavailable
from search.querying.contract import BackendUnavailable, SearchRequest, SearchResult
from search.querying.database import DatabaseBackend
from search.querying.elasticsearch import ElasticsearchBackend

__all__ = ["SearchRequest", "SearchResult", "autocomplete", "notice_for_fallback", "search"]

logger = logging.getLogger(__name__)


def notice_for_fallback() -> str:
    return _("La ricerca avanzata non è disponibile in questo momento: i risultati vengono dalla ricerca di base.")


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
            logger.warning("search: Elasticsearch unavailable, answering from the database: %s", exc,
                           extra={"outage": "elasticsearch"})  # one line a minute (portal/logs.py)
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
