"""The entry point of the search: Elasticsearch when it answers, else the database.

The public face of ``search/`` for views, other apps and tools: ``search``, ``autocomplete``,
``related_pages`` and the contract they speak (``SearchRequest``, ``SearchResult``), whichever
backend answers. Saved searches (``alerts/``) use ``request_from_query_string`` / ``query_string``
(a search as its page's URL parameters), ``matching_query`` (the percolator's query),
``matching_ids`` (the same question on the database) and ``documents_applied`` (what the
outbox just wrote).
"""
from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from django.http import QueryDict

from search.engine.client import elasticsearch_available, is_configured, mark_unavailable
from search.indexing.enqueue import enqueue
from search.indexing.outbox import documents_applied
from search.querying import database_text
from search.querying.contract import BackendUnavailable, SearchRequest, SearchResult
from search.querying.database import DatabaseBackend
from search.querying.elasticsearch import ElasticsearchBackend, matching_query
from search.querying.params import is_member, request_from_get, to_params
from search.querying.related import MAX_RELATED, database_related, elasticsearch_related, live_pages

__all__ = [
    "SearchRequest", "SearchResult", "autocomplete", "documents_applied", "is_member", "matching_ids",
    "matching_query", "notice_for_fallback", "query_string", "related_pages", "request_from_query_string", "search",
]

logger = logging.getLogger(__name__)


def notice_for_fallback() -> str:
    return _("La ricerca avanzata non è disponibile in questo momento: i risultati vengono dalla ricerca di base.")


def _elasticsearch_usable() -> bool:
    # elasticsearch_available() remembers a failure for a few seconds: no timeout per visitor
    return is_configured() and elasticsearch_available()


def page_changed(page_id: int, reason: str) -> None:
    """Something a page's search document is built from changed outside the page (another app's
    record about it): re-index it and let the database search read it again."""
    enqueue(page_id, reason=reason)
    database_text.invalidate()


def search(request: SearchRequest) -> SearchResult:
    """Run the search on the best backend available; never raises for bad input."""
    if _elasticsearch_usable():
        try:
            return ElasticsearchBackend().search(request)
        except BackendUnavailable as exc:
            mark_unavailable(exc)
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
        except BackendUnavailable as exc:
            mark_unavailable(exc)
    return DatabaseBackend().autocomplete(q, user_is_member)


def related_pages(page, user) -> list:
    """Up to four live pages like ``page`` that ``user`` may see, best first (the "Contenuti correlati").

    Elasticsearch answers when it is usable and holds the page; otherwise the database does
    (a page published a moment ago may not be indexed yet). The database answer is kept until the
    content changes (``portal.content_version``); Elasticsearch's is not cached: the index is updated
    after the publication's commit, so a copy taken in between would outlive the change.
    """
    from portal import content_version

    members = is_member(user)
    if page is None or not getattr(page, "pk", None):
        return []
    ids: list[int] = []
    if _elasticsearch_usable():
        try:
            ids = elasticsearch_related(page, members=members)
        except BackendUnavailable as exc:
            mark_unavailable(exc)
            logger.warning("related: Elasticsearch unavailable, answering from the database: %s", exc)
    if not ids:
        ids = content_version.memo(
            f"search:related:{page.pk}:{int(members)}", lambda: database_related(page, members=members))
    return live_pages(ids[:MAX_RELATED])


# --- saved searches ------------------------------------------------------------------------
def request_from_query_string(query: str, *, member: bool, **changes) -> SearchRequest:
    """The search of a page's URL parameters (``q=...&zona=...``), for a member or a visitor."""
    request, _notices = request_from_get(QueryDict(query or ""))
    return SearchRequest(q=request.q, filters=request.filters, user_is_member=member,
                         **{"sort": request.sort, **changes})


def query_string(request: SearchRequest) -> str:
    """The words and facets of a search as URL parameters (no page, no sort): what an alert keeps."""
    from urllib.parse import urlencode

    return urlencode(to_params(request, sort="relevance", page=1, literal=False))


def matching_ids(request: SearchRequest, among) -> list[int]:
    """The pages of ``among`` the request finds, asked of the database (``DatabaseBackend.matching_ids``)."""
    return DatabaseBackend().matching_ids(request, among)
