"""The public search page (/cerca/) and the header autocomplete (/cerca/suggerimenti/)."""
from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from search import service
from search.querying import params
from search.querying.userquery import sanitize


def _page_links(result, request) -> list[dict]:
    """Numbers around the current page, with gaps, for the pagination component."""
    pages, current = result.pages, result.page
    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    links, previous = [], None
    for number in shown:
        if previous is not None and number - previous > 1:
            links.append({"gap": True})
        links.append({"number": number, "url": params.url_for(request, page=number), "current": number == current})
        previous = number
    return links


@require_GET
def search(request):
    search_request, notices = params.request_from_get(request.GET, request.user)
    result = service.search(search_request)
    active = []
    for group in result.facets:
        for value in group.values:
            if value.selected:
                active.append({
                    "group": group.label, "label": value.label,
                    "remove_url": params.without_filter(search_request, group.name, value.value),
                })
    context = {
        "result": result,
        "search_request": search_request,
        "query": search_request.q,
        "notices": notices,
        "active_filters": active,
        "clear_filters_url": params.url_for(search_request, filters={}),
        "sort_options": [("rilevanza", _("Rilevanza")), ("data", _("Data, dal più recente"))],
        "current_sort": params.SORT_PARAMS[search_request.sort],
        "page_links": _page_links(result, search_request) if result.pages > 1 else [],
        "previous_url": params.url_for(search_request, page=result.page - 1) if result.has_previous else None,
        "next_url": params.url_for(search_request, page=result.page + 1) if result.has_next else None,
        "suggestion_url": params.url_for(search_request, q=result.suggestion) if result.suggestion else None,
        "literal_url": (
            params.url_for(search_request, q=result.corrected_from, literal=True) if result.corrected_from else None
        ),
        "searched": bool(search_request.q or search_request.filters),
        # the words and facets, for the alert and Atom feed links (alerts/)
        "saved_search_params": "?" + service.query_string(search_request) if search_request.q or search_request.filters else "",
    }
    response = render(request, "search/search.html", context)
    response["Cache-Control"] = "private, max-age=0"
    return response


@require_GET
def suggestions(request):
    """JSON for the header combobox: {"query": ..., "suggestions": [{title, url, type, type_label}]}."""
    query = sanitize(request.GET.get("q", ""))[:100]
    items = service.autocomplete(query, params.is_member(request.user)) if len(query) >= 2 else []
    response = JsonResponse({"query": query, "suggestions": items})
    response["Cache-Control"] = "private, max-age=60"
    return response
