"""The Elasticsearch request bodies, checked as dicts without a server (fast tier).

The slow tier proves on a real node that an anonymous visitor never finds a members-only
page and that each facet narrows the hits and the other facets' counts. These tests pin the
part of that which is ours, the bodies we send, so that a one-line break (a dropped
``restricted`` filter, a facet on the wrong field, a group counted under its own selection)
fails without Elasticsearch. The client is never called: it only names a node.
"""
from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from search.querying.facets import FACETS, FACETS_BY_NAME
from search.querying.contract import SearchRequest
from search.querying.elasticsearch import SELECTED, ElasticsearchBackend

ANONYMOUS_ONLY = {"term": {"restricted": False}}


@pytest.fixture
def backend():
    return ElasticsearchBackend(client=Elasticsearch("http://127.0.0.1:9"))


def _walk(value):
    """Every dict nested in a body (to check a clause appears nowhere)."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


@pytest.mark.parametrize("q", ["orti", "", "\"orti sociali\" -bozza", "DGR 544/2023"])
def test_an_anonymous_search_filters_out_members_only_pages_in_hits_and_counts(backend, q):
    request = SearchRequest(q=q, user_is_member=False)
    hits, counts = backend.body(request), backend.facets_body(request)
    assert hits["query"]["bool"]["filter"] == [ANONYMOUS_ONLY]
    assert counts["query"]["bool"]["filter"][1:] == [ANONYMOUS_ONLY]
    assert "post_filter" not in hits, "nothing selected: no facet filter"


def test_a_members_search_has_no_restricted_filter(backend):
    request = SearchRequest(q="orti", user_is_member=True)
    hits, counts = backend.body(request), backend.facets_body(request)
    assert hits["query"]["bool"]["filter"] == []
    assert len(counts["query"]["bool"]["filter"]) == 1, "only the words"
    assert not any("restricted" in clause.get("term", {}) for clause in _walk([hits, counts]))


SELECTION = {
    "type": ("practice", "news"),
    "zona": ("valle-alta",),
    "azienda_usl": ("centro",),
    "topic": ("abitare-t",),
    "year": ("2024", "2023"),
    "level": ("emergente",),
    "timing": ("prossimi",),
}
EXPECTED_FILTERS = {
    "type": {"terms": {"content_type": ["practice", "news"]}},
    "zona": {"terms": {"zones.slug": ["valle-alta"]}},
    "azienda_usl": {"terms": {"zones.azienda_usl": ["centro"]}},
    "topic": {"terms": {"topics.slug": ["abitare-t"]}},
    "year": {"terms": {"year": [2024, 2023]}},
    "level": {"terms": {"evaluation_level": ["emergente"]}},
    "timing": {"terms": {"upcoming": [True]}},
}


def test_every_facet_has_an_expected_filter():
    assert set(EXPECTED_FILTERS) == set(FACETS_BY_NAME)


def test_selected_facets_narrow_the_hits_in_post_filter_not_in_the_query(backend):
    request = SearchRequest(q="orti", filters=SELECTION)
    body = backend.body(request)
    assert body["post_filter"] == {"bool": {"filter": [EXPECTED_FILTERS[name] for name in SELECTION]}}
    assert body["query"]["bool"]["filter"] == [ANONYMOUS_ONLY], "the query matches as without facets"


def test_each_facet_is_counted_under_the_other_facets_selection_only(backend):
    request = SearchRequest(q="orti", filters=SELECTION, user_is_member=True)
    aggs = backend.facets_body(request)["aggs"]
    assert set(aggs) == {spec.name for spec in FACETS} | {SELECTED}
    # the total of the page of hits: every selected value applies (the hits' post_filter)
    assert aggs[SELECTED]["filter"] == {"bool": {"filter": [EXPECTED_FILTERS[name] for name in SELECTION]}}
    for spec in FACETS:
        others = [EXPECTED_FILTERS[name] for name in SELECTION if name != spec.name]
        assert aggs[spec.name]["filter"] == {"bool": {"filter": others}}, spec.name
        assert aggs[spec.name]["aggs"]["values"]["terms"] == {"field": spec.field, "size": spec.size}


def test_a_single_selected_facet_leaves_its_own_counts_unfiltered(backend):
    aggs = backend.facets_body(SearchRequest(q="orti", filters={"zona": ("valle-alta",)}))["aggs"]
    assert aggs["zona"]["filter"] == {"match_all": {}}
    others = {spec.name: aggs[spec.name]["filter"] for spec in FACETS if spec.name != "zona"}
    assert others == {name: {"bool": {"filter": [EXPECTED_FILTERS["zona"]]}} for name in others}


def test_past_events_and_both_timings_become_booleans(backend):
    body = backend.body(SearchRequest(filters={"timing": ("passati", "prossimi")}))
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"upcoming": [False, True]}}]}}


def test_invalid_facet_values_never_reach_the_body(backend):
    request = SearchRequest(q="orti", filters={
        "zona": ("../etc", "valle alta", "valle-alta"), "year": ("duemila", "1850", "2024"),
        "timing": ("domani",), "sconosciuto": ("x",),
    })
    body = backend.body(request)
    assert body["post_filter"] == {"bool": {"filter": [
        {"terms": {"zones.slug": ["valle-alta"]}}, {"terms": {"year": [2024]}},
    ]}}
