"""What a page of the load test costs in queries, and what the database search's typo lookup reads.

The load test (``make loadtest``, tests/load) fell from 78.5 to 43.3 requests/s: the database
search read every shown page's full search document (norm identifiers, tags, attachments) and
its visibility one page at a time, read the pages' facet values again on every search, compared
a misspelt word with every vocabulary word of its first letter, and each page asked
``cms.visibility`` several times what the restrictions cover, two queries each. These tests hold
the fixes by counting (queries, words compared), never by timing: the number of queries of a
page does not grow with the number of pages shown or matched, stays within a budget, and the
restrictions are read once per request; a misspelt word is compared with the few vocabulary
words sharing its letter pairs, once.

Runs on the configured database: SQLite (DATABASE_URL unset) and PostgreSQL (the harness).
"""
from __future__ import annotations

import random
import string
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms import visibility
from search.querying import database_text
from search.querying.contract import SearchRequest
from search.querying.database import DatabaseBackend
from tests import builders

pytestmark = pytest.mark.django_db

# Queries of one request on the content below (measured, plus a little room): the search page
# and the autocomplete answer from the database; the pages are those the load test browses.
SEARCH_BUDGET = 24
AUTOCOMPLETE_BUDGET = 8
HOME_BUDGET = 24
LISTING_BUDGET = 18
DETAIL_BUDGET = 33  # a practice with its related content (database answer) and the other zones it covers


def _site(practices: int, restricted: int = 1):
    """A site like the demo's, ``practices`` practices about "orticoltura" (some for members)."""
    valley = builders.zona("valle-alta", "Valle Alta")
    garden = builders.topic("orti", "Orti sociali")
    act = builders.norm("Programma regionale per gli orti sociali", "917", date(2021, 8, 2))
    for n in range(practices):
        page = builders.practice(f"Orticoltura sociale numero {n}", "Orti condivisi e orticoltura in rete.",
                                zona_obj=valley, topics=[garden], norms=[act])
        if n < restricted:
            builders.restrict(page)
    builders.seminar("Seminario sull'orticoltura", "Orticoltura e inclusione.", zones=[valley],
                    start=builders.aware(date.today() + timedelta(days=20)))
    builders.workshop("Laboratorio di orticoltura", "Orticoltura nei servizi.", zones=[valley])
    builders.news("Notizie dagli orti", "Orticoltura in Valle Alta.", zones=[valley])
    builders.data("Orti attivi", "Orticoltura: orti attivi in zona.", zona_obj=valley)


def _queries(client, path: str, **params) -> int:
    client.get(path, params)  # warm: the corpus, the labels and the site are read once per process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.status_code)
    return len(ctx)


def test_search_page_queries_do_not_grow_with_the_hits_and_stay_in_budget(client):
    _site(practices=3)
    everything = _queries(client, "/cerca/", q="orticoltura")  # every page type among the hits
    few = _queries(client, "/cerca/", q="orticoltura", tipo="buona-pratica")  # two practices shown
    for _more in range(9):  # now more matching practices than one page of hits shows
        builders.practice("Orticoltura sociale di comunità", "Orticoltura in rete.", zona_obj=builders.zona("valle-alta"))
    many = _queries(client, "/cerca/", q="orticoltura", tipo="buona-pratica")
    second_page = _queries(client, "/cerca/", q="orticoltura", tipo="buona-pratica", pagina="2")
    assert many == few, "a search reads each page of hits one by one"
    assert second_page <= many
    assert max(everything, few, many) <= SEARCH_BUDGET, (everything, few, many)


def test_autocomplete_home_listing_and_detail_stay_in_budget(client):
    _site(practices=4, restricted=2)
    from cms.models import PracticePage

    detail = PracticePage.objects.live().order_by("-pk").first()
    counts = {
        "autocomplete": _queries(client, "/cerca/suggerimenti/", q="ortic"),
        "home": _queries(client, "/"),
        "listing": _queries(client, "/buone-pratiche/"),
        "detail": _queries(client, detail.url),
    }
    budgets = {"autocomplete": AUTOCOMPLETE_BUDGET, "home": HOME_BUDGET, "listing": LISTING_BUDGET,
               "detail": DETAIL_BUDGET}
    assert all(counts[k] <= budgets[k] for k in counts), (counts, budgets)


def test_restrictions_are_read_once_per_request(client):
    _site(practices=4, restricted=2)
    for path, params in [("/", {}), ("/cerca/", {"q": "orticoltura"}), ("/buone-pratiche/", {})]:
        client.get(path, params)
        before = visibility._memo.reads
        assert client.get(path, params).status_code == 200
        assert visibility._memo.reads - before == 1, path


def test_a_restriction_saved_during_a_request_is_seen_at_once():
    """Read once per request, but never stale: a save in the request forgets what was read."""
    page = builders.practice("Orticoltura riservata", "Per gli operatori.")
    visibility._request_started()  # what the request_started signal calls (its other receivers close the connection)
    try:
        assert visibility.kind_of(page) == visibility.PUBLIC
        reads = visibility._memo.reads
        assert visibility.kind_of(page) == visibility.PUBLIC and visibility._memo.reads == reads  # remembered
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        assert visibility.kind_of(page) == visibility.MEMBERS
        assert not visibility.visible(page, member=False)
        PageViewRestriction.objects.filter(page=page).delete()  # a queryset delete: post_delete per row
        assert visibility.kind_of(page) == visibility.PUBLIC
    finally:
        visibility._request_finished()
    reads = visibility._memo.reads
    visibility.kind_of(page), visibility.kind_of(page)
    assert visibility._memo.reads == reads + 2, "outside a request the restrictions are read at every call"


def _vocabulary(size: int, seed: int = 13) -> set[str]:
    rng = random.Random(seed)
    return {"p" + "".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 11))) for _ in range(size)}


def test_typo_lookup_compares_only_words_sharing_letter_pairs():
    words = _vocabulary(20_000) | {"poverta", "progettazione", "prossimita"}
    index = database_text.TypoIndex(words)
    assert index.close_words("povreta")[0] == "poverta"
    assert index.close_words("progetazione")[0] == "progettazione"
    assert index.close_words("prosimita")[0] == "prossimita"
    assert index.lookups == 3
    same_letter = sum(1 for w in words if w[0] == "p")
    assert index.compared < 0.02 * 3 * same_letter, (index.compared, same_letter)
    index.close_words("povreta")  # remembered: not compared again
    assert index.lookups == 3


def test_typo_lookup_misses_nothing_within_two_edits():
    """The letter pairs only leave out words more than two edits away."""
    words = _vocabulary(3_000, seed=7)
    index = database_text.TypoIndex(words)
    from search.querying.typos import edits

    for word in sorted(words)[:300]:
        typo = word[:2] + word[3] + word[2] + word[4:]  # a swap of two neighbours
        near = {w for w in words if abs(len(w) - len(typo)) <= 2 and edits(typo, w) <= 2}
        assert near <= set(index.candidates(typo)), word


def test_database_search_typo_lookup_is_bounded_and_remembered():
    _site(practices=2, restricted=0)
    database_text._cached.clear()
    backend = DatabaseBackend()
    result = backend.search(SearchRequest(q="ortcoltura"))
    assert result.hits, "the correction's results are shown"
    side = database_text.corpus()
    assert side.vocabulary.lookups == 1
    assert side.vocabulary.compared < len(side.vocabulary), (side.vocabulary.compared, len(side.vocabulary))
    backend.search(SearchRequest(q="ortcoltura"))
    assert database_text.corpus().vocabulary.lookups == 1, "the same misspelling is looked up again"
