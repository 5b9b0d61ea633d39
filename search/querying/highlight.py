"""Highlighting for the database fallback: escaped text with <mark> around matching words.

Same output contract as Elasticsearch's ``encoder: html``: everything is HTML-escaped,
the only markup is <mark>...</mark>, so the template may mark it safe.
"""
from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape

FRAGMENT = 180


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()


def _stems(terms: list[str]) -> list[str]:
    """Rough stems: a word matches another sharing its first letters (inclusione ~ inclusivo)."""
    out = []
    for term in terms:
        for word in re.findall(r"\w+", _fold(term)):
            if len(word) >= 3:
                out.append(word[: max(3, len(word) - 2)])
    return sorted(set(out), key=len, reverse=True)


def _spans(text: str, stems: list[str]) -> list[tuple[int, int]]:
    if not stems:
        return []
    folded = _fold(text)
    if len(folded) != len(text):  # folding changed lengths (rare ligatures): no highlight rather than a wrong one
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*")
    return [m.span() for m in pattern.finditer(folded)]


def mark(text: str, terms: list[str]) -> str:
    """The whole text, escaped, with matches marked."""
    spans = _spans(text, _stems(terms))
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def fragment(text: str, terms: list[str], size: int = FRAGMENT) -> str | None:
    """A window of ``text`` around the first match, escaped and marked; None without a match."""
    spans = _spans(text, _stems(terms))
    if not spans:
        return None
    start = max(0, spans[0][0] - size // 3)
    end = min(len(text), start + size)
    if start > 0:
        start = text.find(" ", start) + 1 or start
    piece = text[start:end]
    marked = mark(piece, terms)
    return ("… " if start > 0 else "") + marked + (" …" if end < len(text) else "")


def has_match(text: str, terms: list[str]) -> bool:
    return bool(_spans(text, _stems(terms)))
