"""The facets of the search page, shared by both backends: names, URL parameters, labels.

A facet is a group of checkboxes: values inside a group combine with OR, groups
combine with AND, and each group's counts are computed with every *other* group's
selection applied (so ticking one zona still shows how many results the other
zone would give).
"""
from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext_lazy as _

from search.corpus import type_labels

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")
_YEAR = re.compile(r"^(19|20|21)\d{2}$")
UPCOMING = "prossimi"
PAST = "passati"


@dataclasses.dataclass(frozen=True)
class FacetSpec:
    name: str  # key in SearchRequest.filters
    param: str  # GET parameter
    label: str
    field: str  # Elasticsearch field
    size: int = 50
    order: str = "count"  # "count" (most first) or "value_desc" (years) or "label"

    def valid(self, value: str) -> bool:
        if self.name == "year":
            return bool(_YEAR.match(value))
        if self.name == "timing":
            return value in (UPCOMING, PAST)
        return bool(_SLUG.match(value))


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("type", "tipo", _("Tipo di contenuto"), "content_type", order="count"),
    FacetSpec("zona", "zona", _("Zona distretto"), "zones.slug", size=100, order="label"),
    FacetSpec("azienda_usl", "asl", _("Azienda USL"), "zones.azienda_usl", order="label"),
    FacetSpec("topic", "tema", _("Area tematica"), "topics.slug", size=100, order="label"),
    FacetSpec("year", "anno", _("Anno"), "year", size=60, order="value_desc"),
    FacetSpec("level", "livello", _("Livello di valutazione"), "evaluation_level"),
    FacetSpec("timing", "quando", _("Eventi"), "upcoming"),
)
FACETS_BY_NAME = {f.name: f for f in FACETS}


def timing_value(upcoming) -> str | None:
    if upcoming is None:
        return None
    return UPCOMING if upcoming else PAST


def value_labels() -> dict[str, dict[str, str]]:
    """facet name -> {value: label}, kept in the cache until the content changes (every search needs them)."""
    from django.utils.translation import get_language

    from portal import content_version

    return content_version.memo(f"search:facet-labels:{get_language()}", _read_value_labels)


def _read_value_labels() -> dict[str, dict[str, str]]:
    from cms.models import AziendaUSL, EvaluationLevel, Topic, Zona

    return {
        "type": type_labels(),
        "zona": dict(Zona.objects.values_list("slug", "name")),
        "azienda_usl": {k: str(v) for k, v in AziendaUSL.choices},
        "topic": dict(Topic.objects.values_list("slug", "name")),
        "level": {k: str(v) for k, v in EvaluationLevel.choices},
        "timing": {UPCOMING: str(_("In programma")), PAST: str(_("Già svolti"))},
    }


def page_values(page) -> dict[str, set[str]]:
    """The facet values of one page, as the database search counts them: the same methods that
    build the page's search document (its zones, topics, main date, level, upcoming), so the
    counts follow the Elasticsearch facets. Related rows should be prefetched."""
    day = page.main_date()
    zones = list(page.payload_zones())
    return {
        "type": {page.content_kind},
        "zona": {z.slug for z in zones},
        "azienda_usl": {z.azienda_usl for z in zones},
        "topic": {t.slug for t in page.topics.all()},
        "year": {str(day.year)} if day else set(),
        "level": {page.payload_evaluation_level()} - {None, ""},
        "timing": {timing_value(page.payload_upcoming())} - {None},
    }
