"""One contract, two backends: Elasticsearch and the database fallback answer alike.

Every test runs against both. Expectations about facet counts are computed from
the database with plain ORM queries (not through either backend).
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from wagtail.models import Page, PageViewRestriction

from search.querying.contract import SearchRequest, SearchResult
from tests import builders

pytestmark = pytest.mark.django_db


class Backend:
    def __init__(self, name, implementation, sync):
        self.name = name
        self.implementation = implementation
        self.sync = sync

    def search(self, q="", **kwargs) -> SearchResult:
        kwargs.setdefault("per_page", 50)
        return self.implementation.search(SearchRequest(q=q, **kwargs))

    def ids(self, q="", **kwargs) -> set[int]:
        return {h.page_id for h in self.search(q, **kwargs).hits}


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.services)])
def backend(request):
    if request.param == "database":
        from search.querying.database import DatabaseBackend

        return Backend("database", DatabaseBackend(), lambda: None)
    from search.querying.elasticsearch import ElasticsearchBackend

    es = request.getfixturevalue("es")
    es.create()
    return Backend("elasticsearch", ElasticsearchBackend(), es.drain)


@pytest.fixture
def site(backend):
    z1 = builders.zona("valle-alta", "Valle Alta", "centro")
    z2 = builders.zona("costa-bassa", "Costa Bassa", "nord-ovest")
    z3 = builders.zona("colline-sud", "Colline Sud", "sud-est")
    abitare, lavoro = builders.topic("abitare-t", "Abitare (test)"), builders.topic("lavoro-t", "Lavoro (test)")
    today = date.today()
    pages = {
        "p1": builders.practice("Orti condivisi a Valle Alta", "orticoltura sociale per famiglie",
                               zona_obj=z1, topics=[abitare], level="promettente"),
        "p2": builders.practice("Sportello lavoro e orti", "orticoltura e inserimento lavorativo",
                               zona_obj=z1, topics=[lavoro], level="buona_pratica"),
        "p3": builders.practice("Orti in costa", "orticoltura urbana diffusa", zona_obj=z2, topics=[abitare]),
        "s1": builders.seminar("Seminario sulla orticoltura sociale", "incontro aperto a tutte le zone",
                              start=builders.aware(today + timedelta(days=30)), zones=[z1, z3], topics=[lavoro]),
        "s2": builders.seminar("Seminario sulla mediazione", "mediazione dei conflitti",
                              start=builders.aware(today - timedelta(days=60)), zones=[z2]),
        "n1": builders.news("Notizia dalle colline", "orticoltura nelle scuole", day=date(2024, 3, 1),
                           zones=[z3], topics=[abitare]),
        "x1": builders.norm("Regolamento delle mense", "12", date(2022, 2, 2), summary="refezione scolastica"),
        "r1": builders.practice("Orti riservati", "orticoltura riservata agli operatori", zona_obj=z3),
        "h1": builders.practice("Orti con password", "orticoltura segreta", zona_obj=z2),
        "d1": builders.practice("Orti in bozza", "orticoltura non ancora pubblicata", zona_obj=z1, publish=False),
    }
    builders.restrict(pages["r1"], PageViewRestriction.LOGIN)
    builders.restrict(pages["h1"], PageViewRestriction.PASSWORD, password="segreto")
    backend.sync()
    return {"pages": pages, "zones": (z1, z2, z3), "topics": (abitare, lavoro)}


def _visible(site, *keys):
    return {site["pages"][k].pk for k in keys}


def db_facet_counts(page_ids) -> dict[str, Counter]:
    """Counts per facet value computed with plain ORM reads of the pages' fields."""
    counts = {name: Counter() for name in ("type", "zona", "azienda_usl", "topic", "level")}
    for page in Page.objects.filter(pk__in=page_ids).specific():
        counts["type"][page.content_kind] += 1
        if hasattr(page, "zona"):
            zones = [page.zona] if page.zona_id else []
        elif hasattr(page, "zones"):
            zones = list(page.zones.all())
        else:
            zones = []
        counts["zona"].update({z.slug for z in zones})
        counts["azienda_usl"].update({z.azienda_usl for z in zones})
        counts["topic"].update({t.slug for t in page.topics.all()})
        if getattr(page, "evaluation_level", None):
            counts["level"][page.evaluation_level] += 1
    return counts


def result_counts(result: SearchResult, name: str) -> Counter:
    return Counter({v.value: v.count for v in result.facet(name).values if v.count})


def test_words_find_published_public_pages_only(backend, site):
    expected = _visible(site, "p1", "p2", "p3", "s1", "n1")
    assert backend.ids("orticoltura") == expected
    # members also see login-restricted content; password pages and drafts never show
    as_member = backend.ids("orticoltura", user_is_member=True)
    assert as_member == expected | _visible(site, "r1")


FILTER_SETS = [{}, {"type": ("practice",)}, {"zona": ("valle-alta",)}, {"topic": ("abitare-t",), "level": ("emergente",)}]


def test_facet_counts_equal_database_counts(backend, site):
    matched = _visible(site, "p1", "p2", "p3", "s1", "n1")
    for filters in FILTER_SETS:
        result = backend.search("orticoltura", filters=filters)
        for name in ("type", "zona", "azienda_usl", "topic", "level"):
            # a facet's counts apply every other facet's selection (not its own)
            others = {k: v for k, v in filters.items() if k != name}
            base = {pk for pk in matched if _passes(pk, others)}
            assert result_counts(result, name) == +db_facet_counts(base)[name], (filters, name)
        assert result.total == len({pk for pk in matched if _passes(pk, filters)}), filters


def _passes(page_id, filters) -> bool:
    counts = db_facet_counts([page_id])
    return all(any(counts[name][v] for v in values) for name, values in filters.items())


def test_selecting_a_zona_keeps_the_other_zone_counts(backend, site):
    result = backend.search("orticoltura", filters={"zona": ("valle-alta",)})
    assert {h.page_id for h in result.hits} == _visible(site, "p1", "p2", "s1")
    zona = {v.value: (v.count, v.selected) for v in result.facet("zona").values}
    assert zona["valle-alta"] == (3, True)
    assert zona["costa-bassa"] == (1, False)  # still offered, with its own count
    assert zona["colline-sud"] == (2, False)
    assert result_counts(result, "type") == Counter({"practice": 2, "seminar": 1})


def test_values_of_one_facet_combine_with_or_facets_with_and(backend, site):
    both = backend.ids("orticoltura", filters={"zona": ("valle-alta", "costa-bassa")})
    assert both == _visible(site, "p1", "p2", "p3", "s1")
    narrowed = backend.ids("orticoltura", filters={"zona": ("valle-alta", "costa-bassa"), "topic": ("abitare-t",)})
    assert narrowed == _visible(site, "p1", "p3")


def test_user_syntax_phrases_exclusions_or(backend, site):
    assert backend.ids('"orticoltura sociale"') == _visible(site, "p1", "s1")
    assert backend.ids("orticoltura -sociale") == _visible(site, "p2", "p3", "n1")
    assert backend.ids("mediazione OR urbana") == _visible(site, "s2", "p3")
    assert backend.ids("-orticoltura") == _visible(site, "s2", "x1")


def test_timing_facet_and_filter(backend, site):
    result = backend.search("")
    assert result_counts(result, "timing") == Counter({"prossimi": 1, "passati": 1})
    assert backend.ids("", filters={"timing": ("prossimi",)}) == _visible(site, "s1")
    assert backend.ids("", filters={"timing": ("passati",)}) == _visible(site, "s2")


def test_empty_query_lists_everything_visible_newest_first(backend, site):
    result = backend.search("")
    assert {h.page_id for h in result.hits} == _visible(site, "p1", "p2", "p3", "s1", "s2", "n1", "x1")
    dates = [h.date for h in result.hits if h.date]
    assert dates == sorted(dates, reverse=True)


def test_pagination_covers_every_hit_once(backend, site):
    first = backend.search("orticoltura", per_page=2, page=1)
    assert first.total == 5 and first.pages == 3 and first.has_next and not first.has_previous
    seen = []
    for number in (1, 2, 3):
        seen += [h.page_id for h in backend.search("orticoltura", per_page=2, page=number).hits]
    assert len(seen) == 5 and set(seen) == _visible(site, "p1", "p2", "p3", "s1", "n1")
    beyond = backend.search("orticoltura", per_page=2, page=50)
    assert beyond.hits == [] and beyond.total == 5


def test_sort_by_date(backend, site):
    result = backend.search("orticoltura", sort="date")
    dates = [h.date for h in result.hits]
    assert all(dates) and dates == sorted(dates, reverse=True)


_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


def test_highlights_are_escaped_except_the_marks(backend, site):
    page = builders.news("Orti <em>urbani</em> & orticoltura", "orticoltura <script>alert(1)</script> in città")
    backend.sync()
    hit = next(h for h in backend.search("orticoltura").hits if h.page_id == page.pk)
    marked = [hit.title_html or "", *hit.fragments]
    assert any("<mark>" in m for m in marked)
    for html in marked:
        assert {t.lower() for t in _TAG.findall(html)} <= {"mark"}, html


NASTY = [
    '"unbalanced quote', 'OR', 'AND OR NOT', '-', '--', '- - -', '"', '""', '"" OR ""', 'orticoltura OR',
    'OR orticoltura', '(((', ')))', '[]{}^~*?\\/:!', 'orti*', 'field:value', 'x' * 10_000, 'orticoltura ' * 2000,
    'a\x00b\x01c\x7f\u200b\ufeff', '\ud800'.encode('utf-8', 'surrogatepass').decode('utf-8', 'replace'),
    '<script>alert(1)</script>', "'; DROP TABLE wagtailcore_page; --", '%', '\\', '😀 orticoltura',
]


def test_malformed_queries_give_a_result(backend, site):
    for query in NASTY:
        result = backend.search(query)
        assert isinstance(result, SearchResult), query
        assert result.total >= 0 and len(result.hits) <= result.total, query
    # what is left of a malformed query still searches
    assert {h.page_id for h in backend.search('"orticoltura sociale').hits} == _visible(site, "p1", "s1")
    assert {h.page_id for h in backend.search("orticoltura OR").hits} == _visible(site, "p1", "p2", "p3", "s1", "n1")


def test_accents_fold_both_ways(backend):
    """A phone keyboard often drops the accent: both backends fold it, in the query and in the text."""
    zona = builders.zona("valle-accenti", "Valle degli Accenti", "centro")
    poverty = builders.practice("Contrasto alla povertà educativa", "doposcuola per famiglie fragili", zona_obj=zona)
    team = builders.practice("Equipe minima di zona", "presa in carico condivisa", zona_obj=zona)
    backend.sync()
    assert poverty.pk in backend.ids("poverta")
    assert poverty.pk in backend.ids("povertà")
    assert team.pk in backend.ids("équipe")
    assert team.pk in backend.ids("equipe")


def test_facet_labels_follow_a_renamed_zona(backend, site):
    """Labels are cached between searches; a change to the taxonomy shows in the next one."""
    zona = site["zones"][0]
    assert "Valle Alta" in {v.label for v in backend.search("orticoltura").facet("zona").values}
    zona.name = "Valle Altissima"
    zona.save()
    labels = {v.label for v in backend.search("orticoltura").facet("zona").values}
    assert "Valle Altissima" in labels and "Valle Alta" not in labels


@pytest.mark.services
def test_boosts_rescore_a_window_and_pages_still_agree(es, monkeypatch):
    """Title and proximity boosts re-rank only the best matches (a rescore window). With a
    window smaller than the hits, the boosted page still comes first and the pages of the
    results still hold every hit exactly once."""
    from search.querying import contract, elasticsearch

    es.create()
    titled = builders.news("Orticoltura sociale nei quartieri", "un progetto di quartiere")
    others = [builders.news(f"Progetto {n}", f"attività di orticoltura numero {n} con le scuole") for n in range(7)]
    es.drain()
    monkeypatch.setattr(elasticsearch, "RESCORE_WINDOW", 3)

    first = es.search("orticoltura sociale", per_page=2)
    # one page holds both words: it comes first; too few for a page of results, so the pages
    # holding some of the words follow, each saying which word it lacks
    assert first.total == 8 and first.hits[0].page_id == titled.pk and not first.hits[0].missing
    assert first.hits[1].missing == ["sociale"] and not first.partial
    ranked = es.search("orticoltura", per_page=2)
    assert ranked.total == 8 and ranked.hits[0].page_id == titled.pk
    seen = []
    for number in range(1, ranked.pages + 1):
        seen += [h.page_id for h in es.search("orticoltura", per_page=2, page=number).hits]
    assert sorted(seen) == sorted([titled.pk, *(p.pk for p in others)])
    body = elasticsearch.ElasticsearchBackend().body(contract.SearchRequest(q="orticoltura"))
    assert body["rescore"]["window_size"] == 3 and "sort" not in body
    assert "rescore" not in elasticsearch.ElasticsearchBackend().body(contract.SearchRequest(q="orticoltura", sort="date"))
