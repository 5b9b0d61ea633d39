"""Identifiers of legal acts: URN:NIR and the ways people write an act's number.

Pure functions (no database) so the search app and tests can use them directly.
"""
import re
from datetime import date

from django.utils.translation import gettext_lazy as _


class NormKind:
    """The kinds of act, their URN:NIR type and the words used for them in Italian."""

    DGR = "DGR"
    DCR = "DCR"
    LR = "L.R."
    DLGS = "D.Lgs"
    DL = "D.L."
    DM = "D.M."
    DPCM = "D.P.C.M."
    LEGGE = "L."
    REG_UE = "Reg. UE"
    DECRETO_DIRIGENZIALE = "Decreto dirigenziale"
    ALTRO = "altro"

    choices = [
        (DGR, _("DGR - Delibera della Giunta regionale")),
        (DCR, _("DCR - Delibera del Consiglio regionale")),
        (LR, _("L.R. - Legge regionale")),
        (DLGS, _("D.Lgs - Decreto legislativo")),
        (DL, _("D.L. - Decreto-legge")),
        (DM, _("D.M. - Decreto ministeriale")),
        (DPCM, _("D.P.C.M. - Decreto del Presidente del Consiglio dei ministri")),
        (LEGGE, _("L. - Legge dello Stato")),
        (REG_UE, _("Reg. UE - Regolamento dell'Unione europea")),
        (DECRETO_DIRIGENZIALE, _("Decreto dirigenziale")),
        (ALTRO, _("altro atto")),
    ]

    # kind -> (URN:NIR document type, default authority, spoken form)
    URN = {
        DGR: ("delibera.giunta", "regione", "delibera"),
        DCR: ("delibera.consiglio", "regione", "delibera del consiglio regionale"),
        LR: ("legge", "regione", "legge regionale"),
        DLGS: ("decreto.legislativo", "stato", "decreto legislativo"),
        DL: ("decreto.legge", "stato", "decreto-legge"),
        DM: ("decreto", "ministero", "decreto ministeriale"),
        DPCM: ("decreto", "presidente.consiglio.ministri", "decreto del presidente del consiglio"),
        LEGGE: ("legge", "stato", "legge"),
        REG_UE: ("regolamento", "unione.europea", "regolamento"),
        DECRETO_DIRIGENZIALE: ("decreto.dirigenziale", "regione", "decreto dirigenziale"),
        ALTRO: ("atto", "stato", "atto"),
    }

    # kinds whose number may be missing (e.g. a D.M. cited by date)
    NUMBER_OPTIONAL = {DM, DPCM, ALTRO}


NUMBER_RE = re.compile(r"^(?:(?P<year>\d{4})/)?(?P<n>\d{1,6})(?:-?(?P<suffix>bis|ter|quater))?$", re.IGNORECASE)
_REGIONS = {
    "emilia": "regione.emilia.romagna",
    "lombardia": "regione.lombardia",
    "toscana": "regione.toscana",
}
_STOPWORDS = {"del", "della", "dello", "delle", "dei", "degli", "di", "e", "ed", "per", "le", "la", "il"}


def parse_number(number: str):
    """(number as digits, year written inside it or None), or None when malformed."""
    match = NUMBER_RE.match((number or "").strip())
    if not match:
        return None
    n = match.group("n").lstrip("0") or "0"
    if match.group("suffix"):
        n = f"{n}-{match.group('suffix').lower()}"
    return n, int(match.group("year")) if match.group("year") else None


def _dotted(text: str) -> str:
    words = re.findall(r"[a-zà-ù]+", text.lower())
    return ".".join(w for w in words if w not in _STOPWORDS)


def authority_for(kind: str, issuing_body: str = "") -> str:
    """The URN:NIR authority: regione.toscana, stato, a ministry, unione.europea ..."""
    default = NormKind.URN.get(kind, NormKind.URN[NormKind.ALTRO])[1]
    body = (issuing_body or "").lower()
    if default == "regione":
        for key, authority in _REGIONS.items():
            if key in body:
                return authority
        return "regione.toscana"
    if default == "ministero":
        return _dotted(issuing_body) if "ministero" in body else "stato"
    return default


def build_urn(kind: str, number: str, when: date | None, year: int | None, authority: str) -> str:
    """urn:nir:<authority>:<type>:<date or year>[;<number>]."""
    doc_type = NormKind.URN.get(kind, NormKind.URN[NormKind.ALTRO])[0]
    stamp = when.isoformat() if when else (str(year) if year else "")
    urn = f"urn:nir:{authority}:{doc_type}:{stamp}"
    parsed = parse_number(number) if number else None
    if parsed:
        urn += f";{parsed[0]}"
    return urn


def short_label(kind: str, number: str, year: int | None) -> str:
    """'DGR 544/2023', 'Reg. UE 2016/679', 'D.M. 2021'."""
    if number and "/" in number:
        return f"{kind} {number}"
    if number and year:
        return f"{kind} {number}/{year}"
    if number:
        return f"{kind} {number}"
    return f"{kind} {year}" if year else kind


def identifiers(kind: str, number: str, year: int | None, urn: str) -> list[str]:
    """The ways an act is cited: 'DGR 544/2023', '544/2023', 'DGR 544', 'delibera 544 del 2023', urn."""
    out = [short_label(kind, number, year)]
    spoken = NormKind.URN.get(kind, NormKind.URN[NormKind.ALTRO])[2]
    if number:
        plain = number.split("/")[-1] if "/" in number else number
        if year:
            out.append(f"{plain}/{year}" if "/" not in number else number)
        out.append(f"{kind} {plain}")
        if year:
            out.append(f"{spoken} {plain} del {year}")
    if urn:
        out.append(urn)
    seen = []
    for item in out:
        if item not in seen:
            seen.append(item)
    return seen


# Normattiva resolves the URN:NIR of the State's primary acts (laws, decree-laws, legislative decrees).
NORMATTIVA_RESOLVER = "https://www.normattiva.it/uri-res/N2Ls?"
NORMATTIVA_KINDS = {NormKind.LEGGE, NormKind.DL, NormKind.DLGS}


def normattiva_url(kind: str, number: str, when: date | None, urn: str) -> str:
    """The Normattiva link of a national act that has its full date and number, else ''."""
    if kind not in NORMATTIVA_KINDS or not when or not parse_number(number or "") or not urn.startswith("urn:nir:stato:"):
        return ""
    return NORMATTIVA_RESOLVER + urn
