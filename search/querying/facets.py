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
    declared: object = None  # the page type's FacetDeclaration, for the facets page types declare

    def valid(self, value: str) -> bool:
        if self.declared is not None:
            return self.declared.is_value(value)
        if self.name == "year":
            return bool(_YEAR.match(value))
        if self.name == "timing":
            return value in (UPCOMING, PAST)
        return bool(_SLUG.match(value))


def _facets() -> tuple[FacetSpec, ...]:
    """The facets every content page has, then the ones page types declare, then the events'."""
    from cms.models import declared_facets

    declared = tuple(
        FacetSpec(f.name, f.param, f.label, f.attribute, size=f.size, order=f.order, declared=f)
        for f in declared_facets()
    )
    return (
        FacetSpec("type", "tipo", _("Tipo di contenuto"), "content_type", order="count"),
        FacetSpec("zona", "zona", _("Zona distretto"), "zones.slug", size=100, order="label"),
        FacetSpec("azienda_usl", "asl", _("Azienda USL"), "zones.azienda_usl", order="label"),
        FacetSpec("topic", "tema", _("Area tematica"), "topics.slug", size=100, order="label"),
        FacetSpec("year", "anno", _("Anno"), "year", size=60, order="value_desc"),
        *declared,
        FacetSpec("timing", "quando", _("Eventi"), "upcoming"),
    )


FACETS: tuple[FacetSpec, ...] = _facets()
FACETS_BY_NAME = {f.name: f for f in FACETS}
DECLARED = tuple(f.declared for f in FACETS if f.declared is not None)


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
    from cms.models import AziendaUSL, Topic, Zona

    return {
        "type": type_labels(),
        "zona": dict(Zona.objects.values_list("slug", "name")),
        "azienda_usl": {k: str(v) for k, v in AziendaUSL.choices},
        "topic": dict(Topic.objects.values_list("slug", "name")),
        **{facet.name: facet.labels() for facet in DECLARED},
        "timing": {UPCOMING: str(_("In programma")), PAST: str(_("Già svolti"))},
    }


def page_values(page) -> dict[str, set[str]]:
    """The facet values of one page, as the database search counts them: the same methods that
    build the page's search document (its zones, topics, main date, declared facets, upcoming), so the
    counts follow the Elasticsearch facets. Related rows should be prefetched."""
    day = page.main_date()
    zones = list(page.payload_zones())
    return {
        "type": {page.content_kind},
        "zona": {z.slug for z in zones},
        "azienda_usl": {z.azienda_usl for z in zones},
        "topic": {t.slug for t in page.topics.all()},
        "year": {str(day.year)} if day else set(),
        **{facet.name: {facet.value_of(page) if facet in page.search_facets else None} - {None} for facet in DECLARED},
        "timing": {timing_value(page.payload_upcoming())} - {None},
    }
