"""Italian text analysis for the index, defined in one place.

Index time:  standard tokenizer -> elision (l', dell', un' ...) -> lowercase ->
             asciifolding (attività = attivita) -> light_italian stemmer.
Search time: the same chain with a ``synonym_graph`` filter after asciifolding, so
             acronyms and their expansions (CPI = Centro per l'Impiego) meet at query time
             and editing synonyms never needs a reindex.

Italian stop words are *not* removed by a token filter: a stop filter leaves position
holes, and holes break the graph of a multi-word synonym (checked on the node:
"centri per l'impiego" as an exact phrase, or DGR -> "delibera di giunta regionale",
stop matching whether the stop filter runs before or after the synonyms). The index
keeps them (BM25 makes them nearly free) and the query builder uses the list below
instead: only the content words of a query are required (see ``content_words``).

The synonym rules are parsed by the filters that precede the synonym filter
(elision, lowercase, asciifolding) and then stemmed by what follows.
"""
from __future__ import annotations

import re
import unicodedata

# Articles and articulated prepositions that take an apostrophe (l'inclusione, dell'équipe ...).
ELISION_ARTICLES = [
    "l", "dell", "un", "all", "nell", "dall", "sull", "c", "d", "quest", "quell", "m", "t", "s", "v", "n",
    "gl", "agl", "dagl", "degl", "negl", "sugl", "coll", "anch", "tutt", "sant", "buon", "bell", "nessun",
    "alcun", "ciascun", "qualcun", "mezz", "dev", "cos", "com", "dov", "quand", "ch",
]

# Italian function words, folded. Written for this project: articles, prepositions
# (simple and articulated), conjunctions, pronouns and forms of essere/avere.
ITALIAN_STOP_WORDS = sorted(set("""
a ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla dalle
di del dello dei degli dell degl della delle in nel nello nei negli nell negl nella nelle
su sul sullo sui sugli sull sugl sulla sulle per tra fra
il lo la i gli le l un uno una
e ed o od ma se che chi cui non ne ci vi si mi ti
io tu lui lei noi voi loro
mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra nostri nostre vostro vostra vostri vostre
questo questa questi queste quello quella quelli quelle
come dove quando quale quali quanto quanta quanti quante
anche ancora gia piu molto poco tutto tutta tutti tutte
sono siamo siete era erano essere sia siano fosse fu
ho hai ha abbiamo avete hanno avere aveva avevano abbia
perche pero quindi oppure ovvero cioe
""".split()))
_STOP_SET = frozenset(ITALIAN_STOP_WORDS)

SYNONYM_FILTER = "it_synonyms"
_ELIDED = re.compile(r"^\w+['’]", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase without accents (what asciifolding does), for comparisons in Python."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def content_words(text: str) -> str:
    """The words of a query that carry meaning: Italian stop words and bare articles removed."""
    kept = []
    for word in text.split():
        bare = fold(_ELIDED.sub("", word)).strip(".,;:!?()[]{}\"'")
        if bare and bare not in _STOP_SET:
            kept.append(word)
    return " ".join(kept)


def analysis_settings(*, synonyms_set: str | None = None, inline_synonyms: list[str] | None = None) -> dict:
    """The ``analysis`` section of the index settings.

    ``synonyms_set``: the name of an Elasticsearch synonyms set (8.10+), reloaded in place.
    ``inline_synonyms``: the rules written into the index (nodes without the synonyms API);
    changing them then needs a reindex, which the synonyms module runs automatically.
    """
    if synonyms_set:
        synonyms = {"type": "synonym_graph", "synonyms_set": synonyms_set, "updateable": True}
    else:
        synonyms = {"type": "synonym_graph", "synonyms": list(inline_synonyms or []), "lenient": True}
    base = ["it_elision", "lowercase", "asciifolding"]
    return {
        "filter": {
            "it_elision": {"type": "elision", "articles_case": True, "articles": ELISION_ARTICLES},
            "it_stemmer": {"type": "stemmer", "language": "light_italian"},
            SYNONYM_FILTER: synonyms,
            "autocomplete_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
            "spell_shingle": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 3},
        },
        # keyword normaliser: lowercase only (asciifolding is not allowed in normalisers by every node)
        "normalizer": {"folded": {"type": "custom", "filter": ["lowercase"]}},
        "analyzer": {
            # full text: stemmed; synonyms only at search time (updateable filters must be search-only)
            "it_index": {"type": "custom", "tokenizer": "standard", "filter": base + ["it_stemmer"]},
            "it_search": {
                "type": "custom", "tokenizer": "standard",
                "filter": base + [SYNONYM_FILTER, "it_stemmer"],
            },
            # words as written (folded, not stemmed): exact-ish matches rank above stemmed ones
            "it_exact": {"type": "custom", "tokenizer": "standard", "filter": base},
            # autocomplete on titles: prefixes of every word
            "autocomplete_index": {"type": "custom", "tokenizer": "standard", "filter": base + ["autocomplete_edge"]},
            "autocomplete_search": {"type": "custom", "tokenizer": "standard", "filter": base},
            # norm identifiers as text ("delibera 544 del 2023"): every word counts, no stemming
            "norm_id": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
            # "forse cercavi": real words (with accents) and their bigrams
            "spell": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
            "spell_shingle": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "spell_shingle"]},
        },
    }
