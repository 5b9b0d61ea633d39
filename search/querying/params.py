"""The search page's URL parameters <-> SearchRequest (filters live in the URL: GET only)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from search.querying.contract import SearchRequest
from search.querying.facets import FACETS, FACETS_BY_NAME
from search.querying.userquery import MAX_LENGTH

SORT_PARAM = "ordina"
LITERAL_PARAM = "letterale"  # the words as typed: no automatic correction (the link back from one)
PAGE_PARAM = "pagina"
SORT_VALUES = {"rilevanza": "relevance", "data": "date"}
SORT_PARAMS = {v: k for k, v in SORT_VALUES.items()}


def is_member(user) -> bool:
    """Members (logged in, verified e-mail) see content restricted to logged-in users."""
    from portal.membership import is_verified_member

    return is_verified_member(user)


def request_from_get(params, user=None) -> tuple[SearchRequest, list[str]]:
    """(SearchRequest, notices for the visitor) from request.GET; never raises."""
    notices: list[str] = []
    raw_q = params.get("q", "") or ""
    if len(raw_q) > MAX_LENGTH:
        notices.append(_("La ricerca è stata accorciata ai primi %(n)d caratteri.") % {"n": MAX_LENGTH})
    filters = {}
    for spec in FACETS:
        values = [v for v in params.getlist(spec.param) if isinstance(v, str)]
        if values:
            filters[spec.name] = tuple(values)
    page = params.get(PAGE_PARAM, "1")
    request = SearchRequest(
        q=raw_q,
        filters=filters,
        sort=SORT_VALUES.get(params.get(SORT_PARAM, ""), "relevance"),
        page=page if str(page).isdigit() else 1,
        user_is_member=is_member(user),
        literal_only=params.get(LITERAL_PARAM) == "1",
    )
    dropped = sum(len(v) for v in filters.values()) - sum(len(v) for v in request.filters.values())
    if dropped > 0:
        notices.append(_("Alcuni filtri non validi sono stati ignorati."))
    return request, notices


def to_params(request: SearchRequest, **changes) -> list[tuple[str, str]]:
    """The URL parameters of a request, with changes (page=2, sort='date', q='...', filters=...)."""
    q = changes.get("q", request.q)
    filters = changes.get("filters", request.filters)
    sort = changes.get("sort", request.sort)
    page = changes.get("page", 1)
    items: list[tuple[str, str]] = []
    if q:
        items.append(("q", q))
    for spec in FACETS:
        for value in filters.get(spec.name, ()):
            items.append((spec.param, value))
    if sort != "relevance":
        items.append((SORT_PARAM, SORT_PARAMS[sort]))
    if page and page > 1:
        items.append((PAGE_PARAM, str(page)))
    if changes.get("literal", request.literal_only and q == request.q):
        items.append((LITERAL_PARAM, "1"))
    return items


def url_for(request: SearchRequest, **changes) -> str:
    return "?" + urlencode(to_params(request, **changes))


def without_filter(request: SearchRequest, name: str, value: str) -> str:
    filters = {k: tuple(v for v in vs if not (k == name and v == value)) for k, vs in request.filters.items()}
    return url_for(request, filters={k: v for k, v in filters.items() if v})


def facet_param(name: str) -> str:
    return FACETS_BY_NAME[name].param
