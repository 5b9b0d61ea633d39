"""The meaningful terms of a query for the database search, each with its synonyms.

Elasticsearch applies the synonym rules in its search analyzer; the database has no analyzer
to give them to, so they are expanded here, from the same rules (the data file and the
editors' rules in the admin, ``SynonymRule.all_rules``): "CPI" becomes the group
{CPI, Centro per l'Impiego, Centri per l'Impiego}, and a page matching any of them covers
that term. ``a, b => c`` searches a and b as c only, as the ``synonym_graph`` filter does.
Stop words are not terms (they would make every page cover them).
"""
from __future__ import annotations

import dataclasses

from search.models import SynonymRule
from search.querying.database_text import stem, stems, words


@dataclasses.dataclass
class Term:
    typed: str  # the word(s) as understood, folded
    alternatives: list[str]  # texts to search (the term and its synonyms)

    def stem_sets(self) -> list[set[str]]:
        return [s for s in (stems(a) for a in self.alternatives) if s]


def _rules() -> list[tuple[tuple[str, ...], list[str]]]:
    """(stems of a term the query may contain, what to search instead), longest terms first."""
    out = []
    for _rule_id, text in SynonymRule.all_rules():
        sides = [[t.strip() for t in side.split(",")] for side in text.split("=>")]
        targets = sides[-1] if len(sides) == 2 else sides[0]
        for term in sides[0]:
            key = tuple(stem(w) for w in words(term))
            if key:
                out.append((key, targets if len(sides) == 2 else sides[0]))
    out.sort(key=lambda item: -len(item[0]))
    return out


def terms(text: str) -> list[Term]:
    """The query's meaningful terms in order, a multi-word synonym taking its words together."""
    typed = words(text)
    keys = [stem(w) for w in typed]
    rules = _rules() if typed else []
    out: list[Term] = []
    i = 0
    while i < len(typed):
        for key, targets in rules:
            if tuple(keys[i: i + len(key)]) == key:
                span = " ".join(typed[i: i + len(key)])
                out.append(Term(span, list(dict.fromkeys([span, *targets]))))
                i += len(key)
                break
        else:
            out.append(Term(typed[i], [typed[i]]))
            i += 1
    # the same term twice ("lavoro e lavoro") counts once
    unique: dict[str, Term] = {}
    for term in out:
        unique.setdefault(term.typed, term)
    return list(unique.values())
