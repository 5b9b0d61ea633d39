"""The search box syntax: words, "exact phrases", -exclusions and OR. Never raises.

    équipe "presa in carico" -minori        words, a phrase, an exclusion
    SIIL OR "servizio integrato"            alternatives (also written with |)

Anything else is text: unbalanced quotes close at the end, lone operators are
dropped, control characters become spaces and the input is cut at MAX_LENGTH.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata

MAX_LENGTH = 200
MAX_CLAUSES = 24
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_TOKEN = re.compile(r'[-+]*"[^"]*"?|[^\s"]+')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


@dataclasses.dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False


@dataclasses.dataclass
class ParsedQuery:
    """``words`` all matter (one analysed string, so multi-word synonyms work);
    each group in ``any_of`` needs one of its clauses; ``phrases`` must appear as written;
    ``excluded`` must not appear."""

    words: str = ""
    phrases: list[str] = dataclasses.field(default_factory=list)
    any_of: list[list[Clause]] = dataclasses.field(default_factory=list)
    excluded: list[Clause] = dataclasses.field(default_factory=list)
    cleaned: str = ""  # the query as understood (for display and exact identifier matches)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.any_of or self.excluded)

    @property
    def has_positive(self) -> bool:
        return bool(self.words or self.phrases or self.any_of)

    def positive_text(self) -> str:
        """Every positive word and phrase, for highlighting and suggestions."""
        parts = [self.words, *self.phrases]
        for group in self.any_of:
            parts.extend(c.text for c in group)
        return " ".join(p for p in parts if p)


def sanitize(text) -> str:
    """Printable text, spaces normalised, at most MAX_LENGTH characters."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[: MAX_LENGTH * 8]  # bound the work before normalising
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):  # control, format, surrogate, unassigned
            out.append(" ")
        else:
            out.append(char)
    return " ".join("".join(out).split())[:MAX_LENGTH].strip()


def _clause(raw: str) -> Clause | None:
    if raw.startswith('"'):
        inner = " ".join(raw.strip('"').split())
        return Clause(inner, phrase=True) if _WORDLIKE.search(inner) else None
    return Clause(raw) if _WORDLIKE.search(raw) else None


def parse(text) -> ParsedQuery:
    """Parse the user's query. Total: every input gives a ParsedQuery."""
    cleaned = sanitize(text)
    result = ParsedQuery(cleaned=cleaned)
    # sequence of (negated, clause) and OR markers
    items: list = []
    for match in _TOKEN.finditer(cleaned):
        token = match.group(0)
        if token in ("OR", "|", "||"):
            items.append("OR")
            continue
        negated = False
        while token.startswith("-") and len(token) > 1:
            negated = True
            token = token[1:]
        if token.startswith("+"):
            token = token.lstrip("+")
        clause = _clause(token) if token else None
        if clause is None:
            continue
        items.append((negated, clause))
        if len(items) > MAX_CLAUSES * 2:
            break

    # group positive clauses joined by OR; exclusions never take part in an OR
    groups: list[list[Clause]] = []
    pending_or = False
    for item in items:
        if item == "OR":
            pending_or = bool(groups)
            continue
        negated, clause = item
        if negated:
            if len(result.excluded) < MAX_CLAUSES:
                result.excluded.append(clause)
            pending_or = False
            continue
        if pending_or and groups:
            groups[-1].append(clause)
        elif len(groups) < MAX_CLAUSES:
            groups.append([clause])
        pending_or = False

    words: list[str] = []
    for group in groups:
        if len(group) > 1:
            result.any_of.append(group)
        elif group[0].phrase:
            result.phrases.append(group[0].text)
        else:
            words.append(group[0].text)
    result.words = " ".join(words)
    return result
