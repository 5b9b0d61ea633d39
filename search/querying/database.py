"""The same search on the database, when Elasticsearch is not configured or not answering
(and what ``make run`` serves).

Matching uses Wagtail's own database search backend (the one the admin uses) over the
indexed page types, plus the words its index lacks and Elasticsearch's documents hold
(tags, zona and topic names, attachments: ``database_text``):

- an act cited by number in any form ("DGR 917", "917/2021", "delibera n. 917") is found by
  its kind, number and year (``cms.norm_citation``) and comes first, the pages citing it next;
- every other meaningful word is a term, expanded with the synonym rules of the data file and
  the admin (``query_terms``); pages covering every term come first, ranked by where they hold
  them (title, tags and names, summary, body, attachments); when no page covers them all, the
  pages covering the most are shown and the result says so (``partial``);
- a long word found nowhere is corrected against the vocabulary of titles, summaries and
  names (one or two edits, ``difflib``) and the correction offered as "forse cercavi";
- phrases, OR groups and exclusions combine with set operations.

Facet attributes come from the pages themselves (the same methods that build the search
payload, with related rows prefetched), so counts follow the same rules as the Elasticsearch
facets. Accents fold as in Elasticsearch (see search/migrations/0003 for PostgreSQL).
"""
from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from datetime import date, datetime, timezone as dt_timezone

from wagtail.models import Page
from wagtail.search.query import Phrase, PlainText

from cms.norm_citation import cited_acts, norm_reference

from search.corpus import PUBLIC, indexable_pages, indexed_models, specific_pages, type_labels, visibilities
from search.engine.analysis import fold
from search.querying import database_text, highlight, typos
from search.querying.contract import Hit, SearchRequest, SearchResult, build_facets
from search.querying.facets import FACETS, page_values
from search.querying.query_terms import Term
from search.querying.query_terms import terms as query_terms_of
from search.querying.relaxation import typo_edits
from search.querying.userquery import Clause, sanitize

logger = logging.getLogger(__name__)

MAX_TEXT_HITS = 1000  # pages read from Wagtail's index per term
TYPO_MIN_LENGTH = 5  # shorter words are too easily another word


def citing_pages(act_ids: list[int]) -> list[int]:
    """The pages whose related norms include one of these acts."""
    out: list[int] = []
    for model in indexed_models():
        if any(f.name == "related_norms" for f in model._meta.get_fields()):
            out.extend(model.objects.live().filter(related_norms__in=act_ids).values_list("pk", flat=True))
    return list(dict.fromkeys(out))


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
    prefetch.extend(getattr(model, "facet_prefetch", ()))  # what else payload_zones reads (a practice's adoptions)
    return related, prefetch


def facet_rows(page_ids, side: database_text.Corpus | None = None) -> dict[int, FacetRow]:
    """FacetRows for these pages: from the corpus the search holds (no query), else a few
    queries per page type."""
    ids = set(page_ids)
    rows: dict[int, FacetRow] = {}
    if not ids:
        return rows
    if side is not None and side.complete:
        for page_id in ids:
            held = side.pages.get(page_id)
            if held is not None:
                rows[page_id] = FacetRow(page_id, held.facets, held.day, held.published_at)
        missing = ids - rows.keys()  # published since the corpus was built: read them
        if not missing:
            return rows
        ids = missing
    for model in indexed_models():
        related, prefetch = _prefetches(model)
        queryset = model.objects.filter(pk__in=ids).select_related(*related).prefetch_related(*prefetch)
        for page in queryset:
            rows[page.pk] = FacetRow(page.pk, page_values(page), page.main_date(), page.last_published_at)
    return rows


@dataclasses.dataclass
class Matched:
    """Matching ids in relevance order (None: every page, no words), and how they were found."""

    ids: list[int] | None
    partial: bool = False
    suggestion: str | None = None
    corrected: str | None = None  # the correction whose results to show instead (nothing holds the words)
    missing: dict[int, list[str]] = dataclasses.field(default_factory=dict)  # page -> words it lacks


class DatabaseBackend:
    name = "database"

    # --- matching -------------------------------------------------------------------------
    def _search_ids(self, base_ids: set[int], query) -> list[int]:
        queryset = Page.objects.live().type(*indexed_models())
        try:
            results = queryset.search(query, order_by_relevance=True)[:MAX_TEXT_HITS]
            return [p.pk for p in results if p.pk in base_ids]
        except Exception:  # the database backend can refuse odd input: treat as no match
            logger.warning("search fallback: query %r refused", query, exc_info=True)
            return []

    def _clause(self, base_ids, clause: Clause) -> list[int]:
        return self._search_ids(base_ids, Phrase(clause.text) if clause.phrase else PlainText(clause.text, operator="and"))

    def match(self, request: SearchRequest, base_ids: set[int], side: database_text.Corpus | None = None) -> Matched:
        parsed = request.parsed
        ranked: list[int] | None = None
        keep: set[int] | None = None
        matched = Matched(None)

        def narrow(ids: list[int]):
            nonlocal ranked, keep
            keep = set(ids) if keep is None else keep & set(ids)
            if ranked is None:
                ranked = ids

        if parsed.words:
            matched = self._words(parsed.words, base_ids, request.literal_only, side)
            narrow(matched.ids)
        for phrase in parsed.phrases:
            narrow(self._search_ids(base_ids, Phrase(phrase)))
        for group in parsed.any_of:
            union: list[int] = []
            for clause in group:
                union.extend(i for i in self._clause(base_ids, clause) if i not in union)
            narrow(union)
        if keep is None:
            if not parsed.excluded:
                return Matched(None)
            keep = set(base_ids)
            ranked = []
        for clause in parsed.excluded:
            keep -= set(self._clause(base_ids, clause))
        ordered = [i for i in ranked if i in keep]
        ordered.extend(sorted(keep - set(ordered)))
        return dataclasses.replace(matched, ids=ordered)

    def _words(self, text: str, base_ids: set[int], literal_only: bool = False,
               side: database_text.Corpus | None = None) -> Matched:
        """The free words: an act they cite first, then pages by how many terms they cover.

        Every term (a word with its synonyms) is looked up in Wagtail's index and in the words
        the index lacks (``database_text``). Pages covering all the terms come first, then those
        missing one; when none covers them all, every page covering a term is shown, the most
        covering first, flagged ``partial`` (on the judged set, showing the pages missing one
        term after the full matches gives success@3 0.98 instead of 0.94).

        A long word found nowhere is corrected against the vocabulary. Within the edits
        Elasticsearch tolerates (``relaxation.typo_edits``) the correction counts as the word and
        is offered as "forse cercavi"; beyond them, as in Elasticsearch, the correction's results
        replace the words' only when no page holds every word as typed (``corrected``), unless
        the visitor asked for the words as typed.
        """
        cited = norm_reference(text)
        acts: list[int] = []
        citation = ""
        if cited is not None:
            from cms.models import NormPage

            acts = [i for i in cited_acts(cited, NormPage.objects.live()) if i in base_ids]
            if acts:
                text, citation = cited.rest(text), text[cited.start:cited.end]
        query_terms = query_terms_of(text)
        side = side or database_text.corpus()
        found = [self._term(term, base_ids, side) for term in query_terms]
        fixes: dict[int, tuple[str, dict[int, float]]] = {}
        for index, term in enumerate(query_terms):
            if not found[index] and len(term.typed) >= TYPO_MIN_LENGTH and " " not in term.typed:
                for fixed in typos.close_words(term.typed, side):
                    pages = self._term(Term(fixed, [fixed]), base_ids, side)
                    if pages:
                        fixes[index] = (fixed, pages)
                        break
        tolerated = {i: fix for i, fix in fixes.items()
                     if typos.edits(query_terms[i].typed, fix[0]) <= typo_edits(query_terms[i].typed)}
        labels = [tolerated[i][0] if i in tolerated else term.typed for i, term in enumerate(query_terms)]
        as_typed = [tolerated[i][1] if i in tolerated else pages for i, pages in enumerate(found)]
        matched = self._ranked(as_typed, labels, acts, citation, base_ids)
        if not fixes:
            return matched
        correction = typos.corrected_text(query_terms, {i: fix[0] for i, fix in fixes.items()},
                                          f"{citation} {text}" if citation else text)
        corrected_found = [fixes[i][1] if i in fixes else pages for i, pages in enumerate(found)]
        if not set.intersection(*(set(pages) for pages in corrected_found)):
            return matched  # the correction does not hold every word either: no better answer
        if not literal_only and (not matched.ids or matched.partial):
            return dataclasses.replace(matched, corrected=correction)
        return dataclasses.replace(matched, suggestion=correction)

    def _ranked(self, found: list[dict[int, float]], labels: list[str], acts: list[int], citation: str,
                base_ids: set[int]) -> Matched:
        """Pages by coverage then weight, the cited act and the pages citing it first."""
        scores: dict[int, float] = {}
        covered: dict[int, set[int]] = {}
        for index, pages in enumerate(found):
            for page_id, weight in pages.items():
                scores[page_id] = scores.get(page_id, 0.0) + weight
                covered.setdefault(page_id, set()).add(index)
        needed = len(found)
        best = max((len(c) for c in covered.values()), default=0)
        partial = bool(needed) and best < needed and not acts
        pool: list[int] = []
        if needed and best:
            # all the terms, then those missing one; when no page holds them all, any term
            floor = max(1, needed - 1) if best == needed else 1
            pool = [i for i in covered if len(covered[i]) >= floor]
            pool.sort(key=lambda i: (-len(covered[i]), -scores[i], i))
        citing: set[int] = set()
        if acts:
            citing = set(citing_pages(acts)) & base_ids
            pool = acts + sorted(citing - set(acts), key=lambda i: (-len(covered.get(i, ())), -scores.get(i, 0.0), i)) + [
                i for i in pool if i not in citing and i not in acts
            ]
        missing = {}
        for page_id in pool:
            lacks = [label for index, label in enumerate(labels) if index not in covered.get(page_id, ())]
            if acts and page_id not in citing and page_id not in acts:
                lacks.append(citation)
            if lacks:
                missing[page_id] = lacks
        return Matched(pool, partial=partial, missing=missing)

    def _term(self, term, base_ids: set[int], side) -> dict[int, float]:
        """page id -> weight for the pages holding the term or one of its synonyms."""
        found: dict[int, float] = {}
        for alternative in term.alternatives:
            for position, page_id in enumerate(self._search_ids(base_ids, PlainText(alternative, operator="and"))):
                found[page_id] = max(found.get(page_id, 0.0), 1.0 + 1.0 / (position + 2))
        for stem_set in term.stem_sets():
            for page_id, weight in database_text.field_matches(side, stem_set, base_ids).items():
                found[page_id] = max(found.get(page_id, 0.0), weight + (1.0 if page_id in found else 0.0))
        return found

    def matching_ids(self, request: SearchRequest, among) -> list[int]:
        """The pages of ``among`` (ids) the request finds, strictly: every word as typed (no
        correction, no page missing a word), every selected facet, visible to the request's visitor.

        What a saved search (``alerts/``) asks of the pages published since its last run when
        search runs on the database, as the percolator does on Elasticsearch."""
        base_ids = set(indexable_pages(members=request.user_is_member)
                       .filter(pk__in=list(among)).values_list("pk", flat=True))
        if not base_ids:
            return []
        matched = self.match(dataclasses.replace(request, literal_only=True), base_ids)
        ids = sorted(base_ids) if matched.ids is None else [i for i in matched.ids if i not in matched.missing]
        rows = facet_rows(ids)
        return [i for i in ids if i in rows and all(rows[i].matches(n, v) for n, v in request.filters.items())]

    # --- the search ----------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        base_ids = set(indexable_pages(members=request.user_is_member).values_list("pk", flat=True))
        side = database_text.corpus()
        matched_words = self.match(request, base_ids, side)
        corrected_from = None
        if matched_words.corrected:
            corrected_from = request.parsed.cleaned
            request = dataclasses.replace(request, q=matched_words.corrected)
            matched_words = self.match(request, base_ids, side)
        ranked = matched_words.ids
        candidates = list(base_ids) if ranked is None else ranked
        rows = facet_rows(candidates, side)
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
            hits=self._hits(page_ids, request, matched_words.missing),
            total=len(matched),
            facets=build_facets(request, counts),
            backend=self.name,
            suggestion=matched_words.suggestion,
            partial=matched_words.partial and bool(matched),
            corrected_from=corrected_from,
        )

    def _hits(self, page_ids: list[int], request: SearchRequest, missing: dict[int, list[str]]) -> list[Hit]:
        """The page of hits shown (only these pages are read and highlighted)."""
        pages = specific_pages(page_ids)
        kinds = visibilities(pages.values())
        labels = type_labels()
        terms = [request.parsed.positive_text()] if request.parsed.has_positive else []
        hits = []
        for page_id in page_ids:
            page = pages.get(page_id)
            if page is None:
                continue
            fragments = []
            summary = page.summary or ""
            if terms and highlight.has_match(summary, terms):
                fragments.append(highlight.mark(summary, terms))
            body_fragment = highlight.fragment(page.body_text() or "", terms) if terms else None
            if body_fragment:
                fragments.append(body_fragment)
            title = page.title
            hits.append(Hit(
                page_id=page_id,
                title=title,
                url=page.url or "",
                content_type=page.content_kind,
                type_label=labels.get(page.content_kind, ""),
                zones=[z.name for z in page.payload_zones()],
                date=page.main_date(),
                summary=summary,
                title_html=highlight.mark(title, terms) if terms and highlight.has_match(title, terms) else None,
                fragments=fragments,
                restricted=kinds.get(page_id) != PUBLIC,
                missing=missing.get(page_id, []),
            ))
        return hits

    def autocomplete(self, q: str, user_is_member: bool = False, size: int = 8) -> list[dict]:
        """Titles holding every typed word, accents folded ("equipe" finds "équipe"), newest first."""
        text = sanitize(q)[:100]
        if len(text) < 2:
            return []
        wanted = [fold(w) for w in text.split()[:6]]
        side = database_text.corpus()
        if side.complete:
            found = [i for i, page in side.pages.items() if all(w in page.title for w in wanted)]
            found.sort(key=lambda i: -side.pages[i].published)
            visible = set(indexable_pages(members=user_is_member).filter(pk__in=found[:200]).values_list("pk", flat=True))
            page_ids = [i for i in found if i in visible][:size]
        else:  # too many pages to hold: the database's own match, accents as typed
            queryset = indexable_pages(members=user_is_member)
            for word in text.split()[:6]:
                queryset = queryset.filter(title__icontains=word)
            page_ids = list(queryset.order_by("-last_published_at").values_list("pk", flat=True)[:size])
        pages = {p.pk: p for p in Page.objects.filter(pk__in=page_ids).specific()}
        labels = type_labels()
        out = []
        for page_id in page_ids:
            page = pages.get(page_id)
            if page is None:
                continue
            out.append({"title": page.title, "url": page.url or "", "type": page.content_kind,
                        "type_label": labels.get(page.content_kind, "")})
        return out
