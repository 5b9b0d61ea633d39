"""An act cited in a query, in the ways people write it: "DGR 917", "917/2021", "delibera n. 917",
"dgr544", "544/23", "DGR n. 544/2023", "delibera 544 del 2023", "Delibera di Giunta regionale 544",
"d.lgs. 147 2017", "LR 41 2005", "Reg. UE 2016/679".

The database search finds the act by its kind, number and year (fields of the norm page) instead
of hoping the words "917" and "2021" meet in a text index. A bare number ("544 progetti") is not
a citation: it needs a kind of act, a year after a slash, or "del <year>".
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import date

from cms.norms_ids import NormKind

# folded, dots removed, "n."/"nr."/"n°" dropped: the spoken and abbreviated kinds, longest first
_KIND_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("delibera(?:zione)? (?:della |di )?giunta(?: regionale)?", (NormKind.DGR,)),
    ("delibera(?:zione)? (?:del )?consiglio(?: regionale)?", (NormKind.DCR,)),
    ("decreto legislativo", (NormKind.DLGS,)),
    ("decreto[ -]legge", (NormKind.DL,)),
    ("decreto ministeriale", (NormKind.DM,)),
    ("decreto dirigenziale", (NormKind.DECRETO_DIRIGENZIALE,)),
    ("legge regionale", (NormKind.LR,)),
    ("regolamento(?: ue)?|reg ue", (NormKind.REG_UE,)),
    ("delibera(?:zione)?", (NormKind.DGR, NormKind.DCR)),
    ("dgr", (NormKind.DGR,)),
    ("dcr", (NormKind.DCR,)),
    ("dlgs", (NormKind.DLGS,)),
    ("dpcm", (NormKind.DPCM,)),
    ("dl", (NormKind.DL,)),
    ("dm", (NormKind.DM,)),
    ("lr", (NormKind.LR,)),
    ("legge", (NormKind.LEGGE, NormKind.LR)),
]
_KINDS = "|".join(f"(?:{pattern})" for pattern, _kinds in _KIND_WORDS)
_CITATION = re.compile(
    rf"(?:\b(?P<kind>{_KINDS}) ?)?(?:\bn )?\b(?P<num>\d{{1,6}})\b"
    r"(?:/(?P<after>\d{1,6})\b| del (?P<del_year>(?:19|20)\d\d)\b| (?P<bare_year>(?:19|20)\d\d)\b)?"
)


@dataclasses.dataclass(frozen=True)
class Citation:
    kinds: tuple[str, ...]  # empty: any kind
    number: str  # digits, no leading zeros
    year: int | None
    rest: str  # the query without the citation (its other words)


def normalise(text: str) -> str:
    """Folded, lower case, abbreviations without dots, letters and digits of "dgr544" apart."""
    text = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")
    text = re.sub(r"\b(?:nr?\.|n°|num\.)\s*", "n ", text)
    text = re.sub(r"\b(d|l|r|m|p|c|g)\.\s?", r"\1", text)  # d.lgs. -> dlgs. ; l.r. -> lr ; d.p.c.m. -> dpcm
    text = re.sub(r"(?<=[a-z])\.", " ", text)
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"[^\w/ -]", " ", text)
    return " ".join(text.split())


def _year(digits: str) -> int | None:
    value = int(digits)
    if len(digits) == 4 and 1900 <= value <= date.today().year + 1:
        return value
    if len(digits) == 2:
        return 2000 + value if value <= date.today().year % 100 + 1 else 1900 + value
    return None


def find(text: str) -> Citation | None:
    """The first act cited in ``text``, or None."""
    normal = normalise(text)
    for match in _CITATION.finditer(normal):
        kind_text, number, after = match.group("kind"), match.group("num"), match.group("after")
        year = None
        if after:
            year = _year(after)
            if year is None and _year(number) and len(number) == 4:  # Reg. UE 2016/679: year first
                year, number = int(number), after
            elif year is None:
                continue
        elif match.group("del_year"):
            year = int(match.group("del_year"))
        elif match.group("bare_year") and kind_text:
            year = int(match.group("bare_year"))
        if not kind_text and not year:
            continue
        kinds: tuple[str, ...] = ()
        if kind_text:
            kinds = next(k for pattern, k in _KIND_WORDS if re.fullmatch(pattern, kind_text))
        rest = " ".join((normal[: match.start()] + " " + normal[match.end():]).split())
        return Citation(kinds, number.lstrip("0") or "0", year, rest)
    return None
