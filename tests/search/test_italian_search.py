"""Italian analysis on the harness node (Elastic's Elasticsearch 8.19 server; analysis filters from the harness plugin,
pinned in test_analyzer_output.py): stemming, elision, folding, synonyms, typos, norm ids."""
from __future__ import annotations

from datetime import date

import pytest

from tests import builders

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def corpus(es):
    """Pages each written with one form of a word, so a match can only come from the analysis."""
    home_zona = builders.zona("val-di-nievole", "Val di Nievole")
    dgr = builders.norm(
        "Linee guida per l'integrazione sociale e lavoro", "544", date(2023, 5, 15),
        summary="Indirizzi regionali per i servizi sociali e per il lavoro.",
    )
    pages = {
        "equipe": builders.practice(
            "Coordinamento zonale dei servizi", "Una squadra stabile tra Comuni e Azienda USL.",
            zona_obj=home_zona, body="Il lavoro dell'équipe multidisciplinare sui casi complessi.",
        ),
        "elision": builders.news("Un anno di lavoro in rete", "Bilancio dell'anno per l'inclusione nei territori."),
        "accent": builders.seminar("Programmazione delle attività zonali", "Come si costruisce il piano delle attività."),
        "cpi": builders.seminar("Incontro con i Centri per l'Impiego", "Servizi sociali e collocamento a confronto."),
        "dgr": dgr,
        "cites_dgr": builders.news(
            "Protocollo firmato in Valdinievole", "Il protocollo attua la DGR 544/2023 sul territorio.", norms=[dgr],
        ),
        "numbers": builders.data("Progetti avviati nel 2023", "544 progetti avviati nel 2023 in Toscana.", value="544"),
        "other": builders.news("Abitare e povertà", "Risposte integrate al disagio abitativo."),
    }
    es.drain()
    return pages


@pytest.mark.parametrize(
    "query, expected, why",
    [
        ("équipe multidisciplinari", "equipe", "plural finds singular (light_italian stemmer)"),
        ("inclusione", "elision", "inclusione finds l'inclusione (elision)"),
        ("attivita", "accent", "attivita finds attività (asciifolding)"),
        ("CPI", "cpi", "acronym finds Centri per l'Impiego (search-time synonyms)"),
        ("inclusone", "elision", "a typo on a longer word still finds it (fuzziness)"),
        ("Centro per l'impiego", "cpi", "singular expansion finds the plural"),
    ],
)
def test_italian_query_finds_the_page(corpus, es, query, expected, why):
    found = es.ids(query)
    assert corpus[expected].pk in found, why
    assert corpus["other"].pk not in found


@pytest.mark.parametrize("query", ["544/2023", "DGR 544", "delibera 544 del 2023", "dgr 544/2023"])
def test_norm_identifier_finds_the_act_first(corpus, es, query):
    hits = es.search(query).hits
    assert hits, query
    assert hits[0].page_id == corpus["dgr"].pk, [h.title for h in hits]
    # the page that cites the act is found too, after it
    assert corpus["cites_dgr"].pk in [h.page_id for h in hits]


def test_synonyms_do_not_match_unrelated_pages(corpus, es):
    assert es.ids("CPI") == [corpus["cpi"].pk]


def test_exact_phrase_exclusion_and_or(corpus, es):
    assert es.ids('"centri per l\'impiego"') == [corpus["cpi"].pk]
    assert corpus["cpi"].pk not in es.ids("servizi -collocamento")
    assert corpus["cpi"].pk in es.ids("servizi")
    either = es.ids("abitativo OR multidisciplinare")
    assert {corpus["other"].pk, corpus["equipe"].pk} <= set(either)


def test_highlights_escape_html_but_keep_marks(es):
    page = builders.news("Guida <script>alert(1)</script> all'inclusione", "Per l'inclusione & la rete <b>locale</b>.")
    es.drain()
    hit = next(h for h in es.search("inclusione").hits if h.page_id == page.pk)
    assert "<mark>" in hit.title_html and "<script>" not in hit.title_html
    assert "&lt;script&gt;" in hit.title_html
    assert all("<b>" not in f and "<mark>" in f for f in hit.fragments)


def test_typo_tolerance_only_when_the_exact_words_find_almost_nothing(es):
    mediation = [builders.news(f"Mediazione familiare {n}", "Percorsi di mediazione per le famiglie.") for n in range(3)]
    meditation = builders.news("Meditazione e benessere", "Un corso di meditazione per gli operatori.")
    es.drain()
    assert set(es.ids("mediazione")) == {p.pk for p in mediation}, "enough exact matches: no fuzzy neighbours"
    assert meditation.pk in es.ids("meditazone"), "a typo that finds nothing exactly is tolerated"


def test_forse_cercavi_when_a_typo_finds_nothing(es):
    """Nothing matches the typed word, its correction does: the correction's results are shown,
    saying which word was searched instead (the page links back to the literal query)."""
    page = builders.news("Servizio di mediazione linguistica", "Mediazione per le famiglie straniere.")
    es.drain()
    result = es.search("mediasone")  # two letters wrong: beyond the typo allowance of a 9-letter word
    assert result.corrected_from == "mediasone" and result.request.q == "mediazione"
    assert [hit.page_id for hit in result.hits] == [page.pk]


def test_no_suggestion_when_the_query_finds_enough(corpus, es):
    for _ in range(3):
        builders.news("Inclusione sociale in rete", "Inclusione e territori.")
    es.drain()
    result = es.search("inclusione")
    assert result.total >= 3
    assert result.suggestion is None
