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


# --- norm citations -------------------------------------------------------------------------------
# How practitioners cite an act: "DGR 917", "917/2021", "544/23", "DGR n. 544/2023", "dgr544",
# "delibera 544 del 2023", "Delibera di Giunta regionale 544", "d.lgs. 147 2017", "LR 41 2005",
# "regolamento 2016/679", "DGR 1627 del 23 dicembre 2024". Shared by both backends: each matches
# the act's own identifiers (``cms.norms_ids.identifiers``) instead of requiring these words.
_KIND_PATTERNS = [  # (pattern on folded lowercase text, the kinds it may mean), longest first
    (r"delibera(?:zione)?\s+(?:della\s+|di\s+|del\s+)?giunta(?:\s+regionale)?(?:\s+toscana)?", ("DGR",)),
    (r"delibera(?:zione)?\s+(?:del\s+)?consiglio(?:\s+regionale)?", ("DCR",)),
    (r"decreto\s+legislativo|d\.\s?lgs\.?|dlgs\.?|d\.lgs\.?", ("D.Lgs",)),
    (r"decreto[\s-]+legge|d\.\s?l\.(?!\w)|dl(?!\w)", ("D.L.",)),
    (r"decreto\s+ministeriale|d\.\s?m\.(?!\w)|dm(?!\w)", ("D.M.",)),
    (r"d\.?p\.?c\.?m\.?", ("D.P.C.M.",)),
    (r"decreto\s+dirigenziale", ("Decreto dirigenziale",)),
    (r"legge\s+regionale|l\.\s?r\.?|lr(?!\w)", ("L.R.",)),
    (r"d\.?\s?g\.?\s?r\.?", ("DGR",)),
    (r"d\.?\s?c\.?\s?r\.?", ("DCR",)),
    (r"delibera(?:zione)?", ("DGR", "DCR")),
    (r"reg(?:olamento|\.)?\s*(?:\(?ue\)?|europeo|eu)?", ("Reg. UE",)),
    (r"legge|l\.", ("L.", "L.R.")),
]
_MONTHS = "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
_NUMBER = (  # "2016/679": an EU regulation's year/number; otherwise the number, then maybe its year
    r"(?:n\.?|nr\.?|num\.?|numero)?\s*(?:(?P<ey>(?:19|20)\d\d)\s*/\s*(?P<en>\d{3,5})(?!\d)|(?P<n>\d{1,5}))"
)
_YEAR = (
    rf"(?:\s*/\s*(?P<y1>\d{{4}}|\d{{2}})(?!\d)"                                   # 544/2023, 544/23
    rf"|\s+(?:del(?:l'anno)?\s+)?(?:\d{{1,2}}\s+(?:{_MONTHS})\s+)?(?P<y2>(?:19|20)\d\d)(?!\d)"  # 544 del 2023
    rf"|\s*-\s*(?P<y3>(?:19|20)\d\d)(?!\d))?"
)
_KIND_RE = "|".join(f"(?P<k{i}>{p})" for i, (p, _) in enumerate(_KIND_PATTERNS))
_CITATION = re.compile(rf"(?<!\w)(?:{_KIND_RE})\s*{_NUMBER}{_YEAR}(?![\w/])", re.IGNORECASE)
_BARE = re.compile(r"(?<![\w/])(?P<a>\d{1,5})\s*/\s*(?P<b>\d{2,5})(?![\w/])")


@dataclasses.dataclass(frozen=True)
class NormReference:
    """An act cited in a query: the kinds it may be, its number, its year when given, and where it was."""

    kinds: tuple[str, ...]
    number: str
    year: int | None
    start: int
    end: int

    def identifiers(self) -> list[str]:
        """The identifiers an act cited this way carries (lowercase, as the index's keyword normaliser)."""
        from cms.norms_ids import identifiers

        found: list[str] = []
        if "/" in self.number:
            found.append(self.number)
        elif self.year:
            found += [f"{self.number}/{self.year}", f"{self.year}/{self.number}"]
        for kind in self.kinds:
            found += identifiers(kind, self.number, self.year, "")
            if self.year and "/" not in self.number:
                found.append(f"{kind} {self.year}/{self.number}")
        return list(dict.fromkeys(i.lower() for i in found))

    def rest(self, text: str) -> str:
        """The query without the citation: the words still to match as words."""
        return " ".join(f"{text[: self.start]} {text[self.end:]}".split())


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year <= 40 else 1900
    return year


def _plausible_year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def norm_reference(text: str) -> NormReference | None:
    """The first act cited in ``text`` (a kind with a number, or number/year), or None. Never raises."""
    text = text or ""
    match = _CITATION.search(text)
    if match:
        index = next(i for i in range(len(_KIND_PATTERNS)) if match.group(f"k{i}"))
        if match.group("ey"):
            number = f"{match.group('ey')}/{match.group('en')}"
            return NormReference(_KIND_PATTERNS[index][1], number, int(match.group("ey")), match.start(), match.end())
        year = match.group("y1") or match.group("y2") or match.group("y3")
        return NormReference(
            _KIND_PATTERNS[index][1], match.group("n").lstrip("0") or "0",
            _full_year(year) if year else None, match.start(), match.end(),
        )
    match = _BARE.search(text)
    if not match:
        return None
    a, b = match.group("a"), match.group("b")
    if _plausible_year(a) and not _plausible_year(b) and len(b) > 2:  # 2016/679: an EU regulation
        return NormReference((), f"{a}/{b}", int(a), match.start(), match.end())
    if len(b) not in (2, 4):
        return None
    return NormReference((), a.lstrip("0") or "0", _full_year(b), match.start(), match.end())
