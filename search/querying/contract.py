"""What a search asks and what it gets back: the one shape both backends speak.

The view builds a ``SearchRequest`` (cleaned on construction: unknown facets, invalid values,
out-of-range pages are dropped) and renders the ``SearchResult`` a backend returns.
"""
from __future__ import annotations

import dataclasses
import math
from datetime import date
from functools import cached_property

from search.querying.facets import FACETS, FACETS_BY_NAME, value_labels
from search.querying.userquery import ParsedQuery, parse, sanitize

SORTS = ("relevance", "date")
PER_PAGE = 10
MAX_PAGE = 100  # deep pages are not useful and cost the cluster


class BackendUnavailable(Exception):
    """The backend could not answer (Elasticsearch down, index missing...)."""


# --- the request ----------------------------------------------------------------------------
@dataclasses.dataclass
class SearchRequest:
    q: str = ""
    filters: dict = dataclasses.field(default_factory=dict)  # facet name -> tuple of values
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    user_is_member: bool = False
    literal_only: bool = False  # the visitor asked for the words as typed: no automatic correction

    def __post_init__(self):
        self.q = sanitize(self.q)
        clean: dict[str, tuple[str, ...]] = {}
        for name, values in (self.filters or {}).items():
            spec = FACETS_BY_NAME.get(name)
            if spec is None:
                continue
            if isinstance(values, str):
                values = (values,)
            kept = tuple(dict.fromkeys(str(v) for v in values if v is not None and spec.valid(str(v))))[:50]
            if kept:
                clean[name] = kept
        self.filters = clean
        if self.sort not in SORTS:
            self.sort = "relevance"
        try:
            self.page = min(max(int(self.page), 1), MAX_PAGE)
        except (TypeError, ValueError):
            self.page = 1
        try:
            self.per_page = min(max(int(self.per_page), 1), 50)
        except (TypeError, ValueError):
            self.per_page = PER_PAGE

    @cached_property
    def parsed(self) -> ParsedQuery:
        return parse(self.q)

    @property
    def effective_sort(self) -> str:
        """Without words there is no relevance: newest first."""
        return self.sort if self.parsed.has_positive else "date"

    def selected(self, name: str) -> tuple[str, ...]:
        return self.filters.get(name, ())

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


# --- the result -------------------------------------------------------------------------------
@dataclasses.dataclass
class Hit:
    page_id: int
    title: str
    url: str
    content_type: str
    type_label: str
    zones: list[str]
    date: date | None
    summary: str
    title_html: str | None = None  # HTML-escaped, only <mark> tags
    fragments: list[str] = dataclasses.field(default_factory=list)  # idem
    restricted: bool = False
    score: float | None = None
    missing: list[str] = dataclasses.field(default_factory=list)  # query words this page lacks (relaxed search)


@dataclasses.dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclasses.dataclass
class FacetGroup:
    name: str
    param: str
    label: str
    values: list[FacetValue]

    @property
    def has_selection(self) -> bool:
        return any(v.selected for v in self.values)


@dataclasses.dataclass
class SearchResult:
    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: list[FacetGroup]
    suggestion: str | None = None
    backend: str = "elasticsearch"
    notice: str | None = None
    partial: bool = False  # no page holds every word: the results match only some of them
    corrected_from: str | None = None  # the query as typed, when the results are its correction's

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.total / self.request.per_page))) if self.total else 1

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return self.request.offset + 1 if self.hits else 0

    @property
    def last_index(self) -> int:
        return self.request.offset + len(self.hits)

    def facet(self, name: str) -> FacetGroup | None:
        return next((f for f in self.facets if f.name == name), None)


def build_facets(request: SearchRequest, counts: dict[str, dict[str, int]], labels: dict | None = None) -> list[FacetGroup]:
    """FacetGroups from raw counts (facet -> value -> count), shared by both backends. ``labels``:
    ``value_labels()`` when the caller has read them already (each read asks the cache)."""
    labels = labels or value_labels()
    groups = []
    for spec in FACETS:
        values = dict(counts.get(spec.name, {}))
        for chosen in request.selected(spec.name):
            values.setdefault(chosen, 0)  # a ticked box stays visible (to untick it)
        names = labels.get(spec.name, {})
        items = [
            FacetValue(str(v), str(names.get(str(v), v)), int(c), str(v) in request.selected(spec.name))
            for v, c in values.items()
            if c > 0 or str(v) in request.selected(spec.name)
        ]
        if spec.order == "label":
            items.sort(key=lambda i: i.label.lower())
        elif spec.order == "value_desc":
            items.sort(key=lambda i: i.value, reverse=True)
        else:
            items.sort(key=lambda i: (-i.count, i.label.lower()))
        groups.append(FacetGroup(spec.name, spec.param, str(spec.label), items[: spec.size]))
    return groups
