"""The analysis output of the test node, pinned so that a drift from a production cluster shows.

What is real and what is the harness's: the node is Elastic's own Elasticsearch 8.19 server
(the distribution on Maven Central), but that distribution lacks the analysis-common module,
so the tokenizers and token filters the project uses (elision, asciifolding, stemmer,
synonym_graph, edge_ngram, shingle ...) come from a plugin of the harness
(``tests/harness/elasticsearch``) that re-implements their factories on Lucene's own filters.
Every search test runs through those factories; if one of them read a setting differently
from Elasticsearch, the suite would test a search production never runs.

So this file pins, on that node:

1. Elasticsearch's own ``_analyze`` examples from its reference documentation, same request,
   same expected tokens (elision: "j’examine près du wharf"; asciifolding: "açaí à la
   carte"; stemmer: "the foxes jumping quickly"), as the docs print them;
2. the project's analyzers (``search/analysis.py``) on Italian words: elision with the
   project's Italian articles (``articles_case``), folding, the ``light_italian`` stemmer
   and the synonyms of ``search/data/synonyms.txt``, multi-word ones included. There is no
   Italian example in Elasticsearch's docs; the expected stems follow Lucene's
   ``ItalianLightStemmer``, the class Elasticsearch's ``light_italian`` names: words under
   six letters are kept, otherwise a final -e/-i/-a/-o goes, with the -i/-h before -e,
   the -h/-i before -i, the -i before -a/-o.
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.services, pytest.mark.django_db]

# (request as in Elasticsearch's reference page, tokens the page shows)
DOCUMENTED = [
    pytest.param({"tokenizer": "standard", "filter": ["elision"], "text": "j’examine près du wharf"},
                 ["examine", "près", "du", "wharf"], id="elision (analysis-elision-tokenfilter)"),
    pytest.param({"tokenizer": "standard", "filter": ["asciifolding"], "text": "açaí à la carte"},
                 ["acai", "a", "la", "carte"], id="asciifolding (analysis-asciifolding-tokenfilter)"),
    pytest.param({"tokenizer": "standard", "filter": ["stemmer"], "text": "the foxes jumping quickly"},
                 ["the", "fox", "jump", "quickli"], id="stemmer (analysis-stemmer-tokenfilter)"),
]


@pytest.mark.parametrize(("request_body", "tokens"), DOCUMENTED)
def test_the_documented_analyze_examples_give_the_documented_tokens(es, request_body, tokens):
    answer = es.client.indices.analyze(**request_body)
    assert [t["token"] for t in answer["tokens"]] == tokens


# word -> index-time tokens of it_index (elision -> lowercase -> asciifolding -> light_italian)
ITALIAN_INDEX = {
    # elision with the project's articles, any case (articles_case: true)
    "l'inclusione": ["inclusion"],
    "L'Inclusione": ["inclusion"],
    "dell'équipe": ["equip"],
    "all'abitare": ["abitar"],
    "un'attività": ["attivit"],
    "quest'anno": ["anno"],
    "sull’integrazione": ["integrazion"],  # typographic apostrophe
    # folding
    "povertà": ["povert"],
    "Società": ["societ"],
    "città": ["citta"],  # five letters: not stemmed
    "perché": ["perc"],  # folded, then -he goes
    # stems: singular and plural meet
    "sociale": ["social"],
    "sociali": ["social"],
    "famiglia": ["famigl"],
    "famiglie": ["famigl"],
    "politiche": ["politic"],
    "politici": ["politic"],
    "servizio": ["serviz"],
    "servizi": ["serviz"],
    "multidisciplinare": ["multidisciplinar"],
    "multidisciplinari": ["multidisciplinar"],
    "amici": ["amici"],  # five letters: kept
    # a word that is not an article before an apostrophe stays whole
    "po'": ["po"],
}


@pytest.fixture
def project_index(es):
    """An index with the project's analysis (and its synonyms set) on the test node."""
    return es.create()


def _tokens(es, index: str, analyzer: str, text: str) -> list[str]:
    return [t["token"] for t in es.client.indices.analyze(index=index, analyzer=analyzer, text=text)["tokens"]]


def test_the_index_analyzer_on_italian_words(es, project_index):
    got = {word: _tokens(es, project_index, "it_index", word) for word in ITALIAN_INDEX}
    assert got == ITALIAN_INDEX


def test_the_exact_analyzer_folds_and_strips_articles_but_does_not_stem(es, project_index):
    assert _tokens(es, project_index, "it_exact", "L'Attività dell'Équipe multidisciplinare") == [
        "attivita", "equipe", "multidisciplinare",
    ]


# query -> the tokens of it_search (synonyms between folding and stemming), as a set: a
# multi-word synonym adds a graph of alternatives whose order is the filter's business
SYNONYMS = {
    "CPI": {"cpi", "centr", "per", "impieg"},  # CPI, Centro per l'Impiego, Centri per l'Impiego
    "centro per l'impiego": {"cpi", "centr", "per", "impieg"},
    "Società della Salute": {"sds", "societ", "della", "salut"},  # SdS, Società della Salute
    "SdS": {"sds", "societ", "della", "salut"},
    "équipe multidisciplinare": {"em", "equip", "multidisciplinar"},  # EM, équipe multidisciplinare/-i
    "DGR": {"dgr", "deliber", "di", "giunt", "regional", "deliberazion", "della"},
}


@pytest.mark.parametrize(("query", "tokens"), list(SYNONYMS.items()))
def test_the_search_analyzer_expands_synonyms_single_and_multi_word(es, project_index, query, tokens):
    assert set(_tokens(es, project_index, "it_search", query)) == tokens


def test_the_search_analyzer_without_a_synonym_is_the_index_analyzer(es, project_index):
    text = "L'inclusione sociale delle famiglie in povertà"
    assert _tokens(es, project_index, "it_search", text) == _tokens(es, project_index, "it_index", text) == [
        "inclusion", "social", "delle", "famigl", "in", "povert",
    ]
