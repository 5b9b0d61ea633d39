"""Which pages match the words of a query, ranked first by how many of its words they cover.

A query is cut into units: each meaningful word (stop words never count) and a cited act
("DGR 544/2023", "delibera 544 del 2023", see ``cms.norm_citation``). Each unit is one
named clause worth ``COVER`` points, so a page's score starts with its coverage and the text
score (BM25) and the field boosts (the rescore) only order pages of equal coverage.

Two tiers, at most two round trips:

- ``STRICT``: all the units of a query of up to three, three quarters of a longer one, exact
  words (stemmed, folded, synonyms). Nearly every query stops here.
- ``RELAXED``, only when the strict tier finds fewer than three pages: any one unit is
  enough, and words tolerate typos decided on the word as typed (folded, not stemmed: a
  6-letter word stems to 5 letters and would get no tolerance): one edit from 6 letters, two
  from 10. Pages covering every word still come first, then those covering most.

The hits report which units they matched (``matched_queries``), so the page can say when
results match only some of the words and which ones are missing.
"""
from __future__ import annotations

import dataclasses

from search.engine.analysis import content_words, fold
from cms.norm_citation import NormReference, norm_reference
from search.querying.userquery import ParsedQuery

COVER = 100.0  # per unit covered: more than any text score or boost a page can add
ACT_BOOST = 1000.0  # the cited act itself: above every page that merely cites it
CITING_BOOST = 30.0  # a page that cites the act (its related_act_ids)
STRICT = "3<75%"  # up to three units: all of them; more: three quarters
RELAXED = 1
WHOLE = "all"  # the name of the clause matching the whole text (multi-word synonyms)
CITATION = "citation"


def typo_edits(word: str) -> int:
    """Edits tolerated in a word as typed: none under 6 letters, one from 6, two from 10.
    Numbers and codes with digits get none (a different number is a different act)."""
    letters = fold(word).strip(".,;:!?()[]{}\"'")
    if any(c.isdigit() for c in letters):
        return 0
    size = sum(c.isalpha() for c in letters)
    return 0 if size < 6 else 1 if size < 10 else 2


@dataclasses.dataclass
class Units:
    """What a page is asked to cover: the meaningful words, the cited act, the full text."""

    words: list[str]
    citation: NormReference | None
    text: str  # every plain word of the query, stop words included (for multi-word synonyms)
    citation_text: str = ""

    @property
    def names(self) -> list[str]:
        return [f"word:{i}" for i in range(len(self.words))] + ([CITATION] if self.citation else [])

    def label(self, name: str) -> str:
        return self.citation_text if name == CITATION else self.words[int(name.split(":")[1])]


def units(parsed: ParsedQuery) -> Units:
    text = parsed.words
    citation = norm_reference(text)
    rest = citation.rest(text) if citation else text
    words = list(dict.fromkeys(content_words(rest).split()))
    cited = text[citation.start:citation.end] if citation else ""
    return Units(words, citation, text, cited)


def _word(word: str, fuzzy: bool) -> dict:
    # operator "and": a written word may analyse into several tokens ("socio-sanitaria")
    exact = {"match": {"all_text": {"query": word, "operator": "and"}}}
    edits = typo_edits(word) if fuzzy else 0
    if not edits:
        return exact
    tolerant = {"match": {"all_text": {
        "query": word, "operator": "and", "fuzziness": edits, "prefix_length": 1, "max_expansions": 30,
    }}}
    return {"bool": {"should": [exact, tolerant], "minimum_should_match": 1}}


def _citation(units: Units) -> dict:
    ids = units.citation.identifiers()
    alternatives = [{"match_phrase": {"all_text": {"query": units.citation_text}}}]
    if ids:
        alternatives = [{"terms": {"act_ids": ids}}, {"terms": {"related_act_ids": ids}}, *alternatives]
    return {"bool": {"should": alternatives, "minimum_should_match": 1}}


def covered(name: str, query: dict) -> dict:
    return {"constant_score": {"filter": query, "boost": COVER, "_name": name}}


def matching(parsed: ParsedQuery, minimum, fuzzy: bool) -> dict | None:
    """The pages that cover enough units (``minimum``: STRICT or RELAXED), scored by coverage."""
    u = units(parsed)
    clauses = [covered(f"word:{i}", _word(w, fuzzy)) for i, w in enumerate(u.words)]
    if u.citation:
        clauses.append(covered(CITATION, _citation(u)))
    if not clauses:
        return None
    by_units = {"bool": {"should": clauses, "minimum_should_match": minimum}}
    if len(u.text.split()) < 2:
        return by_units
    # the whole text, as one: its multi-word synonyms may match ("Società della Salute" = "SdS")
    whole = {"constant_score": {
        "filter": {"match": {"all_text": {"query": u.text, "operator": "and"}}},
        "boost": COVER * len(clauses), "_name": WHOLE,
    }}
    return {"dis_max": {"queries": [by_units, whole]}}


def citation_boosts(parsed: ParsedQuery) -> list[dict]:
    """The cited act first, then the pages citing it. Constant scores: every page carrying
    identifiers would otherwise flatten the idf."""
    u = units(parsed)
    if not u.citation:
        return []
    ids = u.citation.identifiers()
    if not ids:
        return []
    return [
        {"constant_score": {"filter": {"terms": {"act_ids": ids}}, "boost": ACT_BOOST}},
        {"constant_score": {"filter": {"terms": {"related_act_ids": ids}}, "boost": CITING_BOOST}},
    ]


def missing(parsed: ParsedQuery, matched: list[str]) -> list[str]:
    """The words (and cited act) a hit does not contain, from the clauses it matched."""
    if WHOLE in matched:
        return []
    u = units(parsed)
    return [u.label(name) for name in u.names if name not in matched]

