"""The same search on the database, when Elasticsearch is not configured or not answering.

Matching uses Wagtail's own database search backend (the one the admin uses) over the
indexed page types, combining the user syntax with set operations: all words, each
phrase, one of each OR group, none of the exclusions. Facet attributes come from the
pages themselves (the same methods that build the search payload, with related rows
prefetched), so counts follow the same rules as the Elasticsearch facets.
Accents fold as in Elasticsearch (see search/migrations/0003 for PostgreSQL).
Not available here: fuzziness, synonyms and the "forse cercavi" suggestion.
"""
from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from datetime import date, datetime, timezone as dt_timezone

from wagtail.models import Page
from wagtail.search.query import Phrase, PlainText

from search.corpus import indexable_pages, indexed_models, type_labels, visibility
from search.querying import highlight
from search.querying.contract import Hit, SearchRequest, SearchResult, build_facets
from search.querying.facets import FACETS, timing_value
from search.querying.userquery import Clause, sanitize

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class FacetRow:
    """What the facets need to know about one page."""

    page_id: int
    values: dict  # facet name -> set of values
    date: date | None
    published: object

    def matches(self, name: str, wanted: tuple[str, ...]) -> bool:
        return bool(self.values.get(name, set()) & set(wanted))


def _prefetches(model) -> tuple[list[str], list[str]]:
    related, prefetch = [], ["topics"]
    names = {f.name for f in model._meta.get_fields()}
    if "zona" in names:
        related.append("zona")
    if "zones" in names:
        prefetch.append("zones")
    if "sessions" in names:
        prefetch.append("sessions")
    return related, prefetch


def facet_rows(page_ids) -> dict[int, FacetRow]:
    """FacetRows for these pages, a few queries per page type."""
    ids = set(page_ids)
    rows: dict[int, FacetRow] = {}
    if not ids:
        return rows
    for model in indexed_models():
        related, prefetch = _prefetches(model)
        queryset = model.objects.filter(pk__in=ids).select_related(*related).prefetch_related(*prefetch)
        for page in queryset:
            day = page.main_date()
            zones = list(page.payload_zones())
            values = {
                "type": {model.content_kind},
                "zona": {z.slug for z in zones},
                "azienda_usl": {z.azienda_usl for z in zones},
                "topic": {t.slug for t in page.topics.all()},
                "year": {str(day.year)} if day else set(),
                "level": {page.payload_evaluation_level()} - {None, ""},
                "timing": {timing_value(page.payload_upcoming())} - {None},
            }
            rows[page.pk] = FacetRow(page.pk, values, day, page.last_published_at)
    return rows


class DatabaseBackend:
    name = "database"

    # --- matching -------------------------------------------------------------------------
    def _search_ids(self, base_ids: set[int], query) -> list[int]:
        queryset = Page.objects.live().type(*indexed_models())
        try:
            results = queryset.search(query, order_by_relevance=True)
            return [p.pk for p in results if p.pk in base_ids]
        except Exception:  # the database backend can refuse odd input: treat as no match
            logger.warning("search fallback: query %r refused", query, exc_info=True)
            return []

    def _clause(self, base_ids, clause: Clause) -> list[int]:
        return self._search_ids(base_ids, Phrase(clause.text) if clause.phrase else PlainText(clause.text, operator="and"))

    def match(self, request: SearchRequest, base_ids: set[int]) -> list[int] | None:
        """Matching ids in relevance order, or None when every page matches (no words)."""
        parsed = request.parsed
        ranked: list[int] | None = None
        keep: set[int] | None = None

        def narrow(ids: list[int]):
            nonlocal ranked, keep
            keep = set(ids) if keep is None else keep & set(ids)
            if ranked is None:
                ranked = ids

        if parsed.words:
            narrow(self._search_ids(base_ids, PlainText(parsed.words, operator="and")))
        for phrase in parsed.phrases:
            narrow(self._search_ids(base_ids, Phrase(phrase)))
        for group in parsed.any_of:
            union: list[int] = []
            for clause in group:
                union.extend(i for i in self._clause(base_ids, clause) if i not in union)
            narrow(union)
        if keep is None:
            if not parsed.excluded:
                return None
            keep = set(base_ids)
            ranked = []
        for clause in parsed.excluded:
            keep -= set(self._clause(base_ids, clause))
        ordered = [i for i in ranked if i in keep]
        ordered.extend(sorted(keep - set(ordered)))
        return ordered

    # --- the search ----------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        base_ids = set(indexable_pages(members=request.user_is_member).values_list("pk", flat=True))
        ranked = self.match(request, base_ids)
        candidates = list(base_ids) if ranked is None else ranked
        rows = facet_rows(candidates)
        candidates = [i for i in candidates if i in rows]

        def passes(row: FacetRow, skip: str | None = None) -> bool:
            return all(row.matches(name, values) for name, values in request.filters.items() if name != skip)

        counts: dict[str, dict[str, int]] = {}
        for spec in FACETS:
            counter: Counter = Counter()
            for page_id in candidates:
                row = rows[page_id]
                if passes(row, skip=spec.name):
                    counter.update(row.values.get(spec.name, ()))
            counts[spec.name] = dict(counter)

        matched = [i for i in candidates if passes(rows[i])]
        if request.effective_sort == "date" or ranked is None:
            far_past = date.min
            epoch = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)
            matched.sort(key=lambda i: (rows[i].date or far_past, rows[i].published or epoch), reverse=True)
        page_ids = matched[request.offset: request.offset + request.per_page]
        return SearchResult(
            request=request,
            hits=self._hits(page_ids, request),
            total=len(matched),
            facets=build_facets(request, counts),
            backend=self.name,
        )

    def _hits(self, page_ids: list[int], request: SearchRequest) -> list[Hit]:
        pages = {p.pk: p for p in Page.objects.filter(pk__in=page_ids).specific()}
        labels = type_labels()
        terms = [request.parsed.positive_text()] if request.parsed.has_positive else []
        hits = []
        for page_id in page_ids:
            page = pages.get(page_id)
            if page is None:
                continue
            payload = page.search_payload()
            fragments = []
            summary = payload.get("summary") or ""
            if terms and highlight.has_match(summary, terms):
                fragments.append(highlight.mark(summary, terms))
            body_fragment = highlight.fragment(payload.get("body") or "", terms) if terms else None
            if body_fragment:
                fragments.append(body_fragment)
            title = payload["title"]
            hits.append(Hit(
                page_id=page_id,
                title=title,
                url=payload.get("url") or "",
                content_type=payload["content_type"],
                type_label=labels.get(payload["content_type"], ""),
                zones=[z["name"] for z in payload.get("zones") or []],
                date=payload.get("date"),
                summary=summary,
                title_html=highlight.mark(title, terms) if terms and highlight.has_match(title, terms) else None,
                fragments=fragments,
                restricted=visibility(page) != "public",
            ))
        return hits

    def autocomplete(self, q: str, user_is_member: bool = False, size: int = 8) -> list[dict]:
        text = sanitize(q)[:100]
        if len(text) < 2:
            return []
        queryset = indexable_pages(members=user_is_member)
        for word in text.split()[:6]:
            queryset = queryset.filter(title__icontains=word)
        labels = type_labels()
        out = []
        for page in queryset.order_by("-last_published_at").specific()[:size]:
            out.append({"title": page.title, "url": page.url or "", "type": page.content_kind,
                        "type_label": labels.get(page.content_kind, "")})
        return out
