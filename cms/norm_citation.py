"""An act cited in a query, in the ways practitioners write it: "DGR 917", "917/2021", "544/23",
"DGR n. 544/2023", "DGR n° 544", "dgr544", "delibera 544 del 2023", "Delibera di Giunta regionale
544", "d.lgs. 147 2017", "LR 41 2005", "L. 328/2000", "DGR 544-2023", "regolamento 2016/679",
"Reg. (UE) 2016/679", "DGR 1627 del 23 dicembre 2024".

The one reader of citations: both search backends and the editors' norm picker find the act by
its own identifiers (``cms.norms_ids.identifiers``, what the search index holds in ``act_ids``)
instead of requiring the words "917" and "2021" to meet in a text. A bare number ("544
progetti", "2019 2020") is not a citation: it needs a kind of act or a number/year. It lives
with the norms (not in search/) because the admin's picker asks it too, and search/ already
depends on cms.
"""
from __future__ import annotations

import dataclasses
import re

from cms.norms_ids import NormKind, identifiers

_KIND_PATTERNS = [  # (pattern on folded lowercase text, the kinds it may mean), longest first
    (r"delibera(?:zione)?\s+(?:della\s+|di\s+|del\s+)?giunta(?:\s+regionale)?(?:\s+toscana)?", (NormKind.DGR,)),
    (r"delibera(?:zione)?\s+(?:del\s+)?consiglio(?:\s+regionale)?", (NormKind.DCR,)),
    (r"decreto\s+legislativo|d\.\s?lgs\.?|dlgs\.?|d\.lgs\.?", (NormKind.DLGS,)),
    (r"decreto[\s-]+legge|d\.\s?l\.(?!\w)|dl(?!\w)", (NormKind.DL,)),
    (r"decreto\s+ministeriale|d\.\s?m\.(?!\w)|dm(?!\w)", (NormKind.DM,)),
    (r"d\.?p\.?c\.?m\.?", (NormKind.DPCM,)),
    (r"decreto\s+dirigenziale", (NormKind.DECRETO_DIRIGENZIALE,)),
    (r"legge\s+regionale|l\.\s?r\.?|lr(?!\w)", (NormKind.LR,)),
    (r"d\.?\s?g\.?\s?r\.?", (NormKind.DGR,)),
    (r"d\.?\s?c\.?\s?r\.?", (NormKind.DCR,)),
    (r"delibera(?:zione)?", (NormKind.DGR, NormKind.DCR)),
    (r"reg(?:olamento|\.)?\s*(?:\(?ue\)?|europeo|eu)?", (NormKind.REG_UE,)),
    (r"legge|l\.", (NormKind.LEGGE, NormKind.LR)),
]
_MONTHS = "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
_NUMBER = (  # "2016/679": an EU regulation's year/number; otherwise the number, then maybe its year
    r"(?:n\.?|n°|nr\.?|num\.?|numero)?\s*(?:(?P<ey>(?:19|20)\d\d)\s*/\s*(?P<en>\d{3,5})(?!\d)|(?P<n>\d{1,5}))"
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


def cited_acts(cited: NormReference, norms) -> list[int]:
    """The ids of the acts among ``norms`` (a NormPage queryset) that a citation names: those
    carrying one of its identifiers (what the Elasticsearch backend asks of ``act_ids``), the
    right kind and year first."""
    wanted = set(cited.identifiers())
    ranked = []
    for page in norms.only("pk", "kind", "number", "year", "date"):
        year = page.effective_year
        if not wanted & {i.lower() for i in identifiers(page.kind, page.number, year, "")}:
            continue
        ranked.append((not cited.kinds or page.kind in cited.kinds, bool(cited.year and year == cited.year), page.pk))
    ranked.sort(key=lambda r: (not r[0], not r[1], r[2]))
    return [r[2] for r in ranked]
