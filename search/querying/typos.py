"""Typos on the database search: the words of the vocabulary close to one found nowhere, how
many edits apart they are (counted as Elasticsearch's fuzziness counts them, so both backends
tolerate the same typos, ``relaxation.typo_edits``), and the query with its corrections.
"""
from __future__ import annotations

from search.querying import database_text
from search.querying.query_terms import Term


def close_words(word: str, side: database_text.Corpus) -> list[str]:
    """Words of the vocabulary one or two edits from ``word`` (same first letter), closest first:
    compared with the few words sharing its letter pairs, remembered (``database_text.TypoIndex``)."""
    return side.vocabulary.close_words(word)


def edits(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``, a swap of two neighbours counting one (as Elasticsearch's fuzziness)."""
    rows = [list(range(len(b) + 1))]
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x != y)))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def corrected_text(query_terms: list[Term], fixes: dict[int, str], text: str) -> str:
    """The typed words, lower case, each word found nowhere replaced by its correction."""
    by_typed = {query_terms[i].typed: fixed for i, fixed in fixes.items()}
    out = []
    for word in text.lower().split():
        folded = database_text.words(word)
        out.append(by_typed.get(folded[0], word) if len(folded) == 1 else word)
    return " ".join(out)
