"""The shape of the index: one ``elasticsearch.dsl`` Document for all public content.

All public content (seminars, workshops, practices, norms, data, news) shares this one
document shape in one index; ``search.engine.versions`` creates the index from it and
``search.indexing.documents`` fills it from the pages.
"""
from __future__ import annotations

from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    InnerDoc,
    Integer,
    Keyword,
    MetaField,
    Object,
    Text,
)


def _text(**extra):
    """Full-text Italian field: stemmed at index time, synonyms at search time."""
    return Text(analyzer="it_index", search_analyzer="it_search", **extra)


def _named(**extra):
    """A name that is both a facet value (keyword) and searchable text."""
    return Keyword(fields={"text": _text()}, **extra)


class ZoneDoc(InnerDoc):
    id = Integer()
    slug = Keyword()
    name = _named(copy_to="all_text")
    azienda_usl = Keyword()


class TopicDoc(InnerDoc):
    id = Integer()
    slug = Keyword()
    name = _named(copy_to="all_text")


class ContentDocument(Document):
    """One public content page, as the search sees it."""

    page_id = Integer()
    content_type = Keyword()
    title = _text(
        copy_to=["all_text", "spell"],
        fields={
            "exact": Text(analyzer="it_exact"),
            "suggest": Text(analyzer="autocomplete_index", search_analyzer="autocomplete_search"),
            "sort": Keyword(normalizer="folded"),
        },
    )
    summary = _text(copy_to=["all_text", "spell"], index_options="offsets")
    body = _text(copy_to=["all_text", "spell"], index_options="offsets")
    attachments = _text(copy_to="all_text", index_options="offsets")
    zones = Object(ZoneDoc)
    topics = Object(TopicDoc)
    tags = Keyword(normalizer="folded", copy_to="all_text", fields={"text": _text()})
    date = Date()
    year = Integer()
    upcoming = Boolean()
    # Identifiers of the act itself (norm pages) and of the acts a page relates to:
    # keyword for exact citations ("DGR 544/2023"), text for loose ones ("dgr 544 2023").
    act_ids = Keyword(normalizer="folded", copy_to="all_text", fields={"text": Text(analyzer="norm_id")})
    related_act_ids = Keyword(normalizer="folded", copy_to="all_text", fields={"text": Text(analyzer="norm_id")})
    restricted = Boolean()
    url = Keyword(index=False)
    first_published_at = Date()
    last_published_at = Date()
    indexed_at = Date()
    # Filled by copy_to only: the one field the "all words must match" query runs on,
    # and the vocabulary of the "forse cercavi" suggester.
    all_text = _text()
    spell = Text(analyzer="spell", fields={"shingle": Text(analyzer="spell_shingle")})

    class Meta:
        dynamic = MetaField("strict")


def _add_declared_facets(document) -> None:
    """A keyword field for each facet a page type declares (the practices' ``evaluation_level``):
    declared next to the page type's fields, not written here (cms.models.declarations)."""
    from cms.models import declared_facets

    for facet in declared_facets():
        document._doc_type.mapping.field(facet.attribute, Keyword())


_add_declared_facets(ContentDocument)
