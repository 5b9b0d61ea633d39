"""Related content: the few pages most like a given one, for the block under a detail page.

Two ways to answer, as for the search:

- ``elasticsearch_related``: a ``more_like_this`` query on the page's own indexed document
  (its title, summary, body, areas tematiche, zona and norm identifiers, as copied into
  ``all_text``), plus the acts, areas tematiche and zone it shares with other pages as clauses of
  their own (an act's identifiers sit in ``act_ids`` on the norm and in ``related_act_ids`` on the
  pages citing it: two fields ``more_like_this`` never compares). The corpus is small (hundreds of pages, many with a one-paragraph
  summary): a word counts from its first occurrence and from its second page, otherwise most
  pages would have no terms to compare at all.
- ``database_related``: the pages sharing the most norms, areas tematiche and zone with it,
  newest first among equals (the "make run" fallback, and what answers when Elasticsearch does not).

Who may see what is the search's own rule: the ``restricted`` field of the index
(``search.corpus`` decides it when indexing) and ``search.corpus.indexable_pages`` on the database.
Both return page ids, best first, never the page itself.
"""
from __future__ import annotations

import math
from collections import Counter
from datetime import date

from wagtail.models import Page

from search.corpus import indexable_pages, indexed_models, specific_pages
from search.engine.analysis import ITALIAN_STOP_WORDS
from search.engine.versions import VersionedIndex
from search.querying.contract import BackendUnavailable

MAX_RELATED = 4

# --- Elasticsearch ------------------------------------------------------------------------------
# ``all_text`` is where the index copies the title, summary, body, attachments, zona and area
# names, tags and act identifiers (cited or own): one vocabulary, so a norm and a practice citing
# it meet on "544/2023". Measured on the judged pairs (search/data/judgments.json): precision@4
# 0.80 on all_text against 0.74 on title/summary/body/topic/zona names taken separately.
LIKE_FIELDS = ["all_text"]
LIKE_OPTIONS = {
    "min_term_freq": 1,  # a summary says a thing once
    "min_doc_freq": 2,  # a word of this page only cannot relate it to another
    "max_query_terms": 40,
    # A word on more pages than this says little about likeness and costs the most to compare: at
    # 100k practices the practice page's related query took 90-105 ms with every word, 7-14 ms without
    # those (make bench, pages). The portal's real corpus (hundreds to a few thousand pages) is not cut.
    "max_doc_freq": 5000,
    "minimum_should_match": "10%",
    "stop_words": ITALIAN_STOP_WORDS,  # the index keeps them (see search.engine.analysis)
}
# What sharing an act, an area tematica or a zona adds to the likeness of the words.
SHARED_ACT_BOOST = 4.0
SHARED_TOPIC_BOOST = 2.0
SHARED_ZONE_BOOST = 1.0


def more_like_this_body(page, index: str, *, members: bool, size: int = MAX_RELATED) -> dict:
    """The query: like the page's document, or sharing its acts; restricted pages for members only."""
    own, cited = page.act_identifiers()  # as indexed (act_ids, related_act_ids)
    should: list[dict] = [{"more_like_this": {
        "fields": LIKE_FIELDS, "like": [{"_index": index, "_id": str(page.pk)}], **LIKE_OPTIONS,
    }}]
    if own:  # a norm: the pages citing it, and the acts citing the same
        should.append({"constant_score": {"filter": {"terms": {"related_act_ids": own}}, "boost": SHARED_ACT_BOOST}})
    if cited:  # a page citing acts: the acts themselves and the pages citing them too
        should.append({"constant_score": {"filter": {"terms": {"act_ids": cited}}, "boost": SHARED_ACT_BOOST}})
        should.append({"constant_score": {"filter": {"terms": {"related_act_ids": cited}}, "boost": SHARED_ACT_BOOST / 2}})
    for topic in page.topics.all():
        should.append({"constant_score": {"filter": {"term": {"topics.slug": topic.slug}}, "boost": SHARED_TOPIC_BOOST}})
    for zone in page.payload_zones():
        should.append({"constant_score": {"filter": {"term": {"zones.slug": zone.slug}}, "boost": SHARED_ZONE_BOOST}})
    filters: list[dict] = [] if members else [{"term": {"restricted": False}}]
    return {
        "size": size,
        "_source": False,
        "query": {"bool": {
            "should": should, "minimum_should_match": 1,
            "filter": filters, "must_not": [{"ids": {"values": [str(page.pk)]}}],
        }},
    }


def elasticsearch_related(page, *, members: bool, size: int = MAX_RELATED, client=None) -> list[int]:
    """Ids of the pages most like ``page`` in the index; raises BackendUnavailable."""
    from elasticsearch import ApiError, NotFoundError, TransportError

    index = VersionedIndex(client)
    try:
        response = index.client.search(index=index.read_alias, body=more_like_this_body(
            page, index.read_alias, members=members, size=size))
    except NotFoundError as exc:
        raise BackendUnavailable(f"index missing: {exc}") from exc
    except (TransportError, ConnectionError, ApiError) as exc:
        raise BackendUnavailable(str(exc)) from exc
    return [int(hit["_id"]) for hit in response["hits"]["hits"]]


# --- the database ---------------------------------------------------------------------------------
def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _norms_of(page) -> set[int]:
    """The acts a page is about: those it cites, or (a norm) itself and the acts it is related to."""
    from cms.models import NormPage, NormRelation

    if isinstance(page, NormPage):
        ids = {page.pk}
        ids.update(NormRelation.objects.filter(source=page).values_list("target_id", flat=True))
        ids.update(NormRelation.objects.filter(target=page).values_list("source_id", flat=True))
        return ids
    if "related_norms" in _field_names(type(page)):
        return set(page.related_norms.values_list("pk", flat=True))
    return set()


def _zones_of(page) -> set[int]:
    names = _field_names(type(page))
    if "zones" in names:
        return set(page.zones.values_list("pk", flat=True))
    if "zona" in names and page.zona_id:
        return {page.zona_id}
    return set()


# What a shared relation is worth: an act both pages are about is an editor's explicit link; an area
# tematica is broad; a zona says where, not what (a workshop lists half a dozen zone).
MAX_CONTENDERS = 200  # pages whose date is read to break ties (a broad area tematica can tie hundreds)
WEIGHTS = {"related_norms": 2.0, "topics": 1.0, "zones": 0.5}


def shared_counts(page) -> Counter:
    """page id -> the weighted number of norms, areas tematiche and zone it shares with ``page``."""
    from cms.models import NormPage

    wanted = {
        "topics": set(page.topics.values_list("pk", flat=True)),
        "zones": _zones_of(page),
        "related_norms": _norms_of(page),
    }
    shared: dict[int, set] = {}

    def add(rows, kind: str) -> None:
        for page_id, key in rows:
            shared.setdefault(page_id, set()).add((kind, key))

    for model in indexed_models():
        names = _field_names(model)
        for field, keys in wanted.items():
            if not keys:
                continue
            if field == "zones" and "zona" in names and "zones" not in names:
                add(model.objects.filter(zona__in=keys).values_list("pk", "zona"), "zones")
            elif field in names:
                add(model.objects.filter(**{f"{field}__in": keys}).values_list("pk", field), field)
    norms = wanted["related_norms"]
    if norms:
        add(((pk, pk) for pk in norms), "related_norms")  # an act shares itself
        add(NormPage.objects.filter(outgoing_relations__target__in=norms).values_list("pk", "outgoing_relations__target"),
            "related_norms")
        add(NormPage.objects.filter(incoming_relations__source__in=norms).values_list("pk", "incoming_relations__source"),
            "related_norms")
    shared.pop(page.pk, None)
    holders = Counter(key for keys in shared.values() for key in keys)

    def worth(key) -> float:  # a relation few pages hold says more than one most pages hold
        return WEIGHTS[key[0]] / math.log2(1 + holders[key])

    return Counter({page_id: sum(worth(key) for key in keys) for page_id, keys in shared.items()})


def database_related(page, *, members: bool, size: int = MAX_RELATED) -> list[int]:
    """Ids of the visible pages sharing most with ``page``, newest first among equals.

    "Newest" is the date that places a page in time (a seminar's day, an act's date: ``main_date``),
    read only for the pages that can still make the cut (those scoring at least the last place's).
    """
    counts = shared_counts(page)
    if not counts:
        return []
    visible = indexable_pages(members=members).filter(pk__in=list(counts)).values_list("pk", flat=True)
    ranked = sorted(visible, key=lambda pk: counts[pk], reverse=True)
    if not ranked:
        return []
    floor = counts[ranked[min(size, len(ranked)) - 1]]
    contenders = [pk for pk in ranked if counts[pk] >= floor][:MAX_CONTENDERS]
    dates = {p.pk: p.main_date() for p in Page.objects.filter(pk__in=contenders).specific()}
    contenders.sort(key=lambda pk: (counts[pk], dates.get(pk) or date.min), reverse=True)
    return contenders[:size]


def live_pages(page_ids: list[int]) -> list[Page]:
    """The specific pages for these ids, in this order (a page unpublished meanwhile is left out)."""
    pages = specific_pages(page_ids, live=True)
    return [pages[i] for i in page_ids if i in pages]
