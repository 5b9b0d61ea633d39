"""The database fallback (what `make run` serves) finds what Elasticsearch finds: norm numbers in
every form, tags, zona and topic names, attachment text, synonyms of the file and of the admin,
relaxation when no page holds every word, a bounded typo tolerance, accent-folded autocomplete.

Runs on the configured database: SQLite (DATABASE_URL unset) and PostgreSQL (the harness).
"""
from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from search.querying.contract import SearchRequest
from search.querying.database import DatabaseBackend
from tests import builders

pytestmark = pytest.mark.django_db


def search(q: str, **kwargs):
    return DatabaseBackend().search(SearchRequest(q=q, **kwargs))


def ids(q: str) -> list[int]:
    return [hit.page_id for hit in search(q).hits]


@pytest.fixture
def acts():
    dgr = builders.norm("Programma regionale per l'inclusione", "917", date(2021, 8, 2),
                       summary="Indirizzi per i servizi sociali territoriali.")
    other_year = builders.norm("Modifiche al programma regionale", "544", date(2023, 5, 15))
    dlgs = builders.norm("Codice del Terzo settore", "117", date(2017, 7, 3), kind="D.Lgs")
    lr = builders.norm("Sistema integrato di interventi", "41", date(2005, 2, 24), kind="L.R.")
    citing = builders.news("La Valdinievole attua la DGR 917/2021", "Protocollo firmato in attuazione della delibera 917.",
                          norms=[dgr])
    numbers = builders.data("Progetti avviati", "917 progetti avviati nel 2021 in Toscana.", value="917")
    return {"dgr": dgr, "other_year": other_year, "dlgs": dlgs, "lr": lr, "citing": citing, "numbers": numbers}


@pytest.mark.parametrize("query", [
    "DGR 917", "917/2021", "delibera n. 917", "dgr917", "DGR n. 917/2021", "delibera 917 del 2021",
    "Delibera di Giunta regionale 917", "917/21",
])
def test_a_regional_act_is_found_first_by_its_number(acts, query):
    found = ids(query)
    assert found and found[0] == acts["dgr"].pk, query
    assert acts["citing"].pk in found  # the pages citing the act follow it


@pytest.mark.parametrize("query, key", [
    ("dlgs 117/2017", "dlgs"), ("d.lgs. 117 2017", "dlgs"), ("LR 41 2005", "lr"), ("legge regionale 41/2005", "lr"),
])
def test_other_kinds_of_act_are_found_first_by_their_number(acts, query, key):
    found = ids(query)
    assert found and found[0] == acts[key].pk, query


def test_a_number_with_words_puts_the_act_first_and_keeps_the_words(acts):
    found = ids("917/2021 programma inclusione")
    assert found[0] == acts["dgr"].pk


def test_autocomplete_folds_accents():
    equipe = builders.practice("L'équipe unica sociale lavoro", "Servizi integrati.")
    poverty = builders.news("Piano povertà 2024", "Misure contro la povertà.")
    backend = DatabaseBackend()
    assert [item["title"] for item in backend.autocomplete("equipe")] == [equipe.title]
    assert [item["title"] for item in backend.autocomplete("poverta")] == [poverty.title]
    assert [item["title"] for item in backend.autocomplete("équipe unica")] == [equipe.title]


def test_a_tag_only_word_finds_its_page():
    page = builders.practice("Scambi tra territori", "Visite di studio.")
    page.tags.add("esperienze extra-regionali")
    page.save_revision().publish()
    builders.practice("Altro progetto", "Nulla di simile.")
    assert ids("esperienze extra-regionali")[:1] == [page.pk]


def test_zona_and_topic_names_find_their_pages():
    zona = builders.zona("lunigiana-test", "Lunigiana di prova")
    topic = builders.topic("abitare-test", "Abitare sociale")
    in_zona = builders.practice("Sportello di quartiere", "Ascolto e orientamento.", zona_obj=zona)
    on_topic = builders.news("Un nuovo bando", "Contributi per i Comuni.", topics=[topic])
    assert in_zona.pk in ids("lunigiana")
    assert on_topic.pk in ids("abitare sociale")


def test_attachment_text_finds_its_page():
    document = get_document_model()(title="Allegato")
    document.file.save("allegato.txt", ContentFile(b"Verbale della equipe minima di zona"), save=False)
    document.save()
    act = builders.norm("Linee di indirizzo", "12", date(2022, 1, 10))
    act.full_text_document = document
    act.save_revision().publish()
    assert ids("equipe minima")[:1] == [act.pk]


def test_the_synonyms_of_the_data_file_apply():
    page = builders.seminar("Incontro con i Centri per l'Impiego", "Servizi sociali e collocamento a confronto.")
    assert page.pk in ids("CPI")


def test_a_synonym_rule_added_in_the_admin_applies():
    from search.models import SynonymRule

    page = builders.practice("Orti condivisi in periferia", "Coltivare insieme.")
    assert page.pk not in ids("zucchetta")
    SynonymRule.objects.create(terms="zucchetta, orti condivisi")
    assert page.pk in ids("zucchetta")


def test_a_page_with_most_words_is_found_and_flagged_as_partial():
    page = builders.practice("L'équipe unica sociale lavoro", "Presa in carico integrata in Valdinievole.")
    builders.news("Notizie varie", "Un altro argomento.")
    result = search("come funziona l'équipe unica sociale lavoro in valdinievole domani")
    assert [hit.page_id for hit in result.hits][:1] == [page.pk]
    assert result.partial is True


def test_a_page_with_every_word_is_not_flagged_as_partial():
    page = builders.practice("L'équipe unica sociale lavoro", "Presa in carico integrata.")
    result = search("équipe sociale lavoro")
    assert [hit.page_id for hit in result.hits] == [page.pk]
    assert result.partial is False


def test_pages_covering_more_words_rank_first():
    most = builders.practice("Abitare e lavoro per i giovani", "Autonomia abitativa dei giovani.")
    fewer = builders.practice("Giovani in rete", "Un gruppo di giovani.")
    found = ids("giovani abitare lavoro migranti")
    assert found.index(most.pk) < found.index(fewer.pk)


@pytest.mark.parametrize("query", ["inclusone", "povertà eduactiva", "coprogetazione"])
def test_a_typo_still_finds_the_page(query):
    page = builders.news("Coprogettazione per l'inclusione", "Povertà educativa e inclusione.")
    builders.news("Bilancio", "Conti dell'anno.")
    assert ids(query)[:1] == [page.pk]


def test_nonsense_finds_nothing():
    builders.news("Coprogettazione per l'inclusione", "Povertà educativa e inclusione.")
    result = search("xqzvw")
    assert result.hits == [] and result.total == 0


def test_an_acronym_written_with_dots_in_the_body_is_found_as_typed():
    page = builders.seminar("Le équipe che funzionano", "Esperienze di équipe.",
                           body="L'esperienza del programma P.I.P.P.I. per la tutela dei bambini.")
    builders.seminar("Un altro seminario", "Nulla di simile.")
    assert ids("PIPPI")[:1] == [page.pk]
    assert ids("P.I.P.P.I.")[:1] == [page.pk]


def test_pages_missing_one_word_follow_the_pages_holding_every_word():
    every = builders.practice("Scheda unica di segnalazione", "Condivisa tra servizi sociali e lavoro.")
    one_less = builders.practice("Segnalazione dei casi", "Una scheda per i servizi.")
    result = search("scheda unica segnalazione")
    found = [hit.page_id for hit in result.hits]
    assert found[:2] == [every.pk, one_less.pk]
    assert result.partial is False


def test_a_corrected_typo_is_offered_as_forse_cercavi():
    builders.news("Coprogettazione per l'inclusione", "Povertà educativa e inclusione.")
    assert search("inclusone").suggestion == "inclusione"
    assert search("inclusione").suggestion is None


def test_above_the_page_limit_the_search_relies_on_wagtails_index_alone(monkeypatch):
    from search.querying import database_text

    monkeypatch.setattr(database_text, "MAX_PAGES", 1)
    page = builders.news("Coprogettazione per l'inclusione", "Povertà educativa e inclusione.")
    builders.news("Bilancio", "Conti dell'anno.")
    assert database_text.corpus().complete is False
    assert ids("coprogettazione inclusione")[:1] == [page.pk]
    assert [item["title"] for item in DatabaseBackend().autocomplete("coprog")] == [page.title]


def test_when_only_the_correction_matches_its_results_are_shown_with_a_link_back(client, settings):
    """As on Elasticsearch: five letters tolerate no typo, so "rette" holds nothing as typed;
    the page shows the results of its correction "rete", says so and links to the literal query."""
    settings.ELASTICSEARCH_URLS = []  # the page served by the database backend
    page = builders.practice("Una rete di servizi", "Sportelli collegati in tutta la zona.")
    typed = "rette"
    result = search(typed)
    assert result.corrected_from == typed
    assert result.request.q == "rete"
    assert [hit.page_id for hit in result.hits] == [page.pk]
    html = client.get("/cerca/", {"q": typed}).content.decode()
    assert "letterale=1" in html and "search-corrected" in html
    literal = search(typed, literal_only=True)
    assert literal.corrected_from is None and not literal.hits
    assert literal.suggestion == "rete"


def test_a_tolerated_typo_shows_its_results_and_offers_the_correction_without_replacing_the_query():
    page = builders.news("Coprogettazione per l'inclusione", "Povertà educativa e inclusione.")
    result = search("inclusone")  # nine letters: one edit tolerated, as on Elasticsearch
    assert [hit.page_id for hit in result.hits] == [page.pk]
    assert result.corrected_from is None and result.suggestion == "inclusione"


def test_a_page_lacking_words_says_which(client, settings):
    settings.ELASTICSEARCH_URLS = []
    page = builders.practice("Cohousing per anziani", "Abitare insieme in città.")
    result = search("cohousing anziani giardino")
    assert result.partial is True
    hit = result.hits[0]
    assert hit.page_id == page.pk and hit.missing == ["giardino"]
    html = client.get("/cerca/", {"q": "cohousing anziani giardino"}).content.decode()
    assert "search-hit-missing" in html and "<s>giardino</s>" in html and "search-partial" in html


def test_a_page_holding_every_word_lacks_none():
    builders.practice("Cohousing per anziani", "Abitare insieme in città.")
    assert [hit.missing for hit in search("cohousing anziani").hits] == [[]]
