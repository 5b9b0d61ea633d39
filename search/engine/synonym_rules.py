"""The syntax of one synonym rule (Solr format, what the ``synonym_graph`` filter reads).

    CPI, Centro per l'Impiego          equivalent terms
    a, b => c                          a and b searched as c

One check for the data file, the editors' rules in the admin (``SynonymRule.clean``)
and what Elasticsearch holds; its messages are for editors, in Italian. The data file is
read here too, below both the indexing (which pushes the rules to Elasticsearch) and the
database search (which expands them in the query).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from django.utils.translation import gettext as _

MAX_TERMS = 20
MAX_TERM_LENGTH = 100
_FORBIDDEN = re.compile(r"[\\#\x00-\x1f\x7f]")
_HAS_WORD = re.compile(r"\w{1,}", re.UNICODE)

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"
logger = logging.getLogger(__name__)


class SynonymSyntaxError(ValueError):
    """A rule that is not ``a, b, c`` or ``a, b => c``; the message is for editors (Italian)."""


def normalise_rule(text: str) -> str:
    """The rule in canonical form (``a, b`` or ``a, b => c``), or SynonymSyntaxError."""
    text = " ".join((text or "").split())
    if not text:
        raise SynonymSyntaxError(_("La regola è vuota."))
    if _FORBIDDEN.search(text):
        raise SynonymSyntaxError(_("La regola contiene caratteri non ammessi (\\ o #)."))
    sides = text.split("=>")
    if len(sides) > 2:
        raise SynonymSyntaxError(_("Usare «=>» al massimo una volta."))
    parsed = []
    for side in sides:
        terms = [t.strip() for t in side.split(",")]
        if any(not t for t in terms):
            raise SynonymSyntaxError(_("Ogni termine tra le virgole deve contenere almeno una parola."))
        for term in terms:
            if len(term) > MAX_TERM_LENGTH:
                raise SynonymSyntaxError(_("Un termine può avere al massimo %(n)d caratteri.") % {"n": MAX_TERM_LENGTH})
            if not _HAS_WORD.search(term.replace("'", " ").replace("’", " ")):
                raise SynonymSyntaxError(_("«%(term)s» non contiene parole.") % {"term": term})
        parsed.append(terms)
    if len(parsed) == 1 and len(parsed[0]) < 2:
        raise SynonymSyntaxError(_("Indicare almeno due termini equivalenti, separati da una virgola."))
    if sum(len(p) for p in parsed) > MAX_TERMS:
        raise SynonymSyntaxError(_("Al massimo %(n)d termini per regola.") % {"n": MAX_TERMS})
    return " => ".join(", ".join(terms) for terms in parsed)


def file_rules(path: Path = DATA_FILE) -> list[str]:
    """The valid rules of the data file (invalid lines are logged and skipped)."""
    rules = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            rules.append(normalise_rule(line))
        except SynonymSyntaxError as exc:
            logger.warning("%s:%d: synonym rule skipped: %s", path.name, number, exc)
    return rules
