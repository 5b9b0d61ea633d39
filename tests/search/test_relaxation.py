"""Issue 13, classes 1, 2, 3 and 5 on Elasticsearch: relaxation by coverage, typos decided on the
typed word, coverage before boosts, norm citations in every form.

The first tests look at the query bodies only (no Elasticsearch, milliseconds); the others run on
the real Elasticsearch of the harness with pages each written for one case.
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from cms.norms_ids import identifiers
from search.querying import relaxation
from search.querying.contract import SearchRequest
from search.querying.elasticsearch import ElasticsearchBackend, text_query
from cms.norm_citation import norm_reference
from search.querying.userquery import parse
from tests import builders


def _named(body: dict) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "_name" in node:
                found.append(node["_name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return found


# --- bodies ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("word, edits", [
    ("casa", 0), ("setore", 1), ("poverta", 1), ("povertà", 1), ("multidiciplinare", 2), ("domiciliarita", 2),
    ("2023", 0), ("dgr544", 0),
])
def test_typo_tolerance_is_decided_on_the_word_as_typed(word, edits):
    # "setore" has 6 letters (one edit) although light_italian stems it to "setor" (5)
    assert relaxation.typo_edits(word) == edits


def test_the_strict_tier_requires_the_meaningful_words_exactly_and_names_each_one():
    query = json.dumps(text_query(parse("contributi per l'affitto famiglie covid")))
    assert '"minimum_should_match": "3<75%"' in query
    assert "fuzziness" not in query  # no per-word fuzzy expansion unless needed
    assert _named(json.loads(query))[:4] == ["word:0", "word:1", "word:2", "word:3"]  # per stays optional


def test_the_relaxed_tier_needs_one_word_and_tolerates_typos_by_typed_length():
    query = text_query(parse("coprogettazione terzo setore"), relaxed=True)
    text = json.dumps(query)
    assert '"minimum_should_match": 1' in text
    assert '"fuzziness": 2' in text and '"fuzziness": 1' in text  # coprogettazione (15), setore (6)
    assert text.count('"fuzziness"') == 2  # "terzo" (5 letters) stays exact


def test_coverage_outranks_the_text_score_and_the_text_score_spans_the_fields():
    query = text_query(parse("abitare povertà"))
    text = json.dumps(query)
    assert f'"boost": {relaxation.COVER}' in text
    # the text score reads the field that holds every text (title, summary, body, attachments, ...)
    assert query["bool"]["should"][0] == {"match": {"all_text": {"query": "abitare povertà"}}}


@pytest.mark.parametrize("typed, kinds, number, year", [
    ("DGR 917", ("DGR",), "917", None),
    ("917/2021", (), "917", 2021),
    ("1508/22", (), "1508", 2022),
    ("544/23", (), "544", 2023),
    ("DGR n. 544/2023", ("DGR",), "544", 2023),
    ("delibera 544 del 2023", ("DGR", "DCR"), "544", 2023),
    ("Delibera di Giunta regionale 544", ("DGR",), "544", None),
    ("delibera n. 917", ("DGR", "DCR"), "917", None),
    ("dgr544", ("DGR",), "544", None),
    ("d.lgs. 147 2017", ("D.Lgs",), "147", 2017),
    ("LR 41 2005", ("L.R.",), "41", 2005),
    ("DGR 1627 del 23 dicembre 2024", ("DGR",), "1627", 2024),
    ("regolamento 2016/679", ("Reg. UE",), "2016/679", 2016),
    ("Reg. (UE) 2016/679", ("Reg. UE",), "2016/679", 2016),
    ("DGR n° 544", ("DGR",), "544", None),
    ("DGR 544-2023", ("DGR",), "544", 2023),
    ("delibera della giunta regionale toscana 544", ("DGR",), "544", None),
    ("917/21", (), "917", 2021),
    ("dlgs 117/2017", ("D.Lgs",), "117", 2017),
    ("legge regionale 41/2005", ("L.R.",), "41", 2005),
    ("L. 328/2000", ("L.", "L.R."), "328", 2000),
    ("decreto-legge 4/2019", ("D.L.",), "4", 2019),
])
def test_norm_citations_are_read_in_every_form(typed, kinds, number, year):
    found = norm_reference(typed)
    assert (found.kinds, found.number, found.year) == (kinds, number, year)
    assert found.rest(typed) == ""


@pytest.mark.parametrize("typed", [
    "art. 55 codice terzo settore", "fondo politiche sociali 2019 2020", "GOL percorso 4", "544 progetti",
])
def test_numbers_that_are_not_citations_stay_words(typed):
    assert norm_reference(typed) is None


def test_a_citation_matches_the_acts_own_identifiers_not_its_words():
    wanted = {i.lower() for i in identifiers("DGR", "544", 2023, "")}
    reference = norm_reference("DGR n. 544/2023 linee guida")
    assert wanted <= set(reference.identifiers())
    assert reference.rest("DGR n. 544/2023 linee guida") == "linee guida"
    query = text_query(parse("delibera 544 del 2023"))
    assert _named(query) == [relaxation.CITATION, relaxation.WHOLE]  # no word "delibera" to require


def test_missing_words_come_from_the_clauses_a_hit_matched():
    parsed = parse("cohousing persone sole")
    assert relaxation.missing(parsed, ["word:1", "word:2"]) == ["cohousing"]
    assert relaxation.missing(parsed, [relaxation.WHOLE]) == []


# --- on the real Elasticsearch ---------------------------------------------------------------------
@pytest.fixture
def corpus(es):
    dgr = builders.norm("Linee guida per l'integrazione sociale e lavoro", "544", date(2023, 5, 15),
                       summary="Indirizzi regionali per i servizi sociali.")
    pages = {
        "dgr": dgr,
        "cites": builders.news("Protocollo firmato", "Il protocollo attua la DGR 544/2023 sul territorio.", norms=[dgr]),
        "three": builders.practice("Coabitazione per anziani", "Cohousing per persone anziane sole in città."),
        "one": builders.news("Persone in rete", "Una rete di volontari."),
        "settore": builders.seminar("Coprogettare con il terzo settore", "Amministrazione condivisa."),
        "title_word": builders.news("Abitare", "Una giornata di studio."),
        "covers_all": builders.practice("Una pratica lunga", "Risposte integrate.",
                                       body="Abitare e povertà: la casa come fattore di autonomia per le famiglie."),
    }
    es.drain()
    return pages


@pytest.mark.services
@pytest.mark.django_db
def test_no_page_with_every_word_still_finds_pages_with_most_and_says_so(corpus, es):
    result = es.search("cohousing persone anziane sole quartiere")
    assert result.hits, "Nessun risultato although pages hold most words"
    assert result.hits[0].page_id == corpus["three"].pk  # covers four of five words
    assert result.partial
    assert result.hits[0].missing == ["quartiere"]
    assert corpus["one"].pk in [h.page_id for h in result.hits]  # one word: found, after


@pytest.mark.services
@pytest.mark.django_db
def test_a_query_needing_relaxation_costs_one_extra_round_trip(corpus, es, monkeypatch):
    from search.querying import elasticsearch

    monkeypatch.setattr(elasticsearch, "FEW_RESULTS", 1)  # one page holding every word is enough here
    backend = ElasticsearchBackend()
    calls = []
    real = backend.client.msearch
    monkeypatch.setattr(backend.client, "msearch", lambda **kw: calls.append(kw["searches"]) or real(**kw))
    backend.search(SearchRequest(q="protocollo firmato"))
    assert len(calls) == 1  # found with every word: one round trip
    calls.clear()
    backend.search(SearchRequest(q="cohousing quartiere"))  # no page holds both
    relaxed = [c for c in calls if '"minimum_should_match": 1' in json.dumps(c)]
    assert len(relaxed) == 1  # the relaxed hits and counts travel together, with the corrections
    assert any("suggest" in body for body in relaxed[0])
    assert len(calls) == 2  # offering a correction costs no third round trip


@pytest.mark.services
@pytest.mark.django_db
def test_a_six_letter_typo_is_tolerated_though_its_stem_has_five(corpus, es):
    assert corpus["settore"].pk in es.ids("coprogettare terzo setore")


@pytest.mark.services
@pytest.mark.django_db
def test_the_page_about_all_the_words_outranks_one_word_in_a_title(corpus, es):
    assert es.ids("abitare povertà autonomia")[0] == corpus["covers_all"].pk


@pytest.mark.services
@pytest.mark.django_db
@pytest.mark.parametrize("typed", [
    "544/23", "DGR n. 544/2023", "delibera 544 del 2023", "Delibera di Giunta regionale 544", "dgr544",
    "delibera n. 544", "544/2023",
])
def test_every_form_of_a_citation_lands_on_the_act_first(corpus, es, typed):
    ids = es.ids(typed)
    assert ids[:1] == [corpus["dgr"].pk], typed
    assert corpus["cites"].pk in ids


@pytest.mark.services
@pytest.mark.django_db
def test_when_only_the_correction_matches_its_results_are_shown_with_a_link_back(corpus, es, client):
    typed = "rette"  # five letters: no typo tolerance, no page holds it; the correction "rete" does
    result = es.search(typed)
    assert result.corrected_from == typed
    assert result.request.q == "rete"
    assert corpus["one"].pk in [h.page_id for h in result.hits]
    page = client.get("/cerca/", {"q": typed}).content.decode()
    assert "letterale=1" in page and "rete" in page
    literal = es.search(typed, literal_only=True)
    assert literal.corrected_from is None and not literal.hits
    assert literal.suggestion == "rete"
