"""Every page type declares what it contributes to the rest of the portal (cms.models.declarations).

The consumers keep no table of page types: cms.seo asks the page for its JSON-LD, the newsletter
reads the section, label and edition rule the page type declares, cms.feeds serves the declared
feeds. A page type added without these declarations would silently have no structured data, land
in no (or the wrong) newsletter section, or break the feeds: these tests fail first.
"""
from datetime import date

import pytest
from django.apps import apps

from cms import seo
from cms.models import INDEXED_PAGE_MODELS, ContentPage, Zona
from cms.models.declarations import FeedDeclaration, NewsletterDeclaration
from newsletter.editions import kind_labels, section_of_kind
from newsletter.models import Section
from tests import builders

# found from Django's registry, not from cms.models: INDEXED_PAGE_MODELS is checked against it
CONCRETE_PAGE_TYPES = sorted((m for m in apps.get_models() if issubclass(m, ContentPage)), key=lambda m: m.__name__)


def test_the_concrete_page_types_are_found():
    """No list of page types to keep: the registry of the cms is the classes themselves."""
    from cms.models import INDEX_PAGE_MODELS, IndexPage

    assert len(CONCRETE_PAGE_TYPES) >= 6
    assert INDEXED_PAGE_MODELS == sorted(CONCRETE_PAGE_TYPES, key=lambda m: m.site_order)
    indexes = sorted((m for m in apps.get_models() if issubclass(m, IndexPage)), key=lambda m: m.__name__)
    assert sorted(INDEX_PAGE_MODELS, key=lambda m: m.__name__) == indexes
    assert [apps.get_model(index.listing_model) for index in INDEX_PAGE_MODELS] == INDEXED_PAGE_MODELS


@pytest.mark.parametrize("model", CONCRETE_PAGE_TYPES, ids=lambda m: m.__name__)
def test_every_page_type_declares_json_ld_newsletter_and_feed(model):
    # listed, so the search, the newsletter and the feeds go through it
    assert model in INDEXED_PAGE_MODELS
    assert model.content_kind
    # JSON-LD: a schema.org type and the method that describes a page as one
    assert isinstance(getattr(model, "jsonld_type", None), str) and model.jsonld_type
    assert callable(getattr(model, "structured_data", None))
    # newsletter: a section that exists, and the label shown above its items
    declared = getattr(model, "newsletter", None)
    assert isinstance(declared, NewsletterDeclaration), "declare newsletter = NewsletterDeclaration(...)"
    assert declared.section in Section.values
    assert declared.label
    # feed: declared, or explicitly none
    assert hasattr(model, "feed"), "declare feed = FeedDeclaration(...) or feed = None"
    assert model.feed is None or isinstance(model.feed, FeedDeclaration)
    if model.feed is not None:
        assert model.feed.slug and str(model.feed.title) and model.feed.ordering
    # zona: the field pointing at the zona or zone the page is about, or explicitly none
    assert hasattr(model, "zona_field"), "declare zona_field = \"zona\" / \"zones\" or None"
    if model.zona_field is not None:
        assert model._meta.get_field(model.zona_field).related_model is Zona


def test_content_kinds_and_feed_addresses_are_unique():
    kinds = [m.content_kind for m in CONCRETE_PAGE_TYPES]
    assert len(kinds) == len(set(kinds))
    orders = [m.site_order for m in CONCRETE_PAGE_TYPES]
    assert all(isinstance(o, int) for o in orders) and len(orders) == len(set(orders)), "declare a site_order of its own"
    slugs = [slug for m in CONCRETE_PAGE_TYPES if m.feed for slug in (m.feed.slug, *m.feed.aliases)]
    assert len(slugs) == len(set(slugs))


def test_the_newsletter_reads_the_declarations():
    for model in CONCRETE_PAGE_TYPES:
        assert section_of_kind(model.content_kind) == model.newsletter.section
        assert kind_labels()[model.content_kind] == model.newsletter.label
    assert section_of_kind("a type no longer there") == Section.NOTIZIE


@pytest.mark.django_db
def test_each_page_describes_itself_as_its_declared_json_ld_type(site_tree):
    pages = [
        builders.seminar(start=builders.in_days(10)),
        builders.workshop(sessions=[builders.in_days(5)]),
        builders.practice(period_start=date(2023, 6, 1)),
        builders.norm(),
        builders.data(),
        builders.news(),
    ]
    assert {type(p) for p in pages} == set(CONCRETE_PAGE_TYPES), "add a builder for the new page type"
    for page in pages:
        data = seo.jsonld_for(page)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == type(page).jsonld_type
        assert data["url"].startswith("http")


def test_declared_facets_are_well_formed():
    from cms.models import declared_facets
    from cms.models.declarations import FacetDeclaration

    assert declared_facets(), "the practices declare their evaluation level"
    for model in CONCRETE_PAGE_TYPES:
        for facet in model.search_facets:
            assert isinstance(facet, FacetDeclaration)
            assert model._meta.get_field(facet.attribute).choices, "a facet's values are the field's choices"
            assert set(facet.labels()) == set(facet.choices.values) and str(facet.label)


@pytest.mark.django_db
def test_a_declared_facet_reaches_the_index_the_search_page_and_both_backends(site_tree):
    """What the search does with a facet a page type declares, read from the declaration alone:
    the index field, the page's document, the GET parameter and its validation, the labels, the
    database search's values, the alerts' percolator mapping."""
    from django.http import QueryDict

    from alerts.percolator import AlertQuery
    from cms.models import declared_facets
    from search.engine.mapping import ContentDocument
    from search.indexing.documents import document_for
    from search.querying.facets import FACETS_BY_NAME, page_values, value_labels
    from search.querying.params import request_from_get, to_params

    practice = builders.practice(period_start=date(2023, 6, 1))
    seminar = builders.seminar(start=builders.in_days(10))
    for facet in declared_facets():
        value = facet.value_of(practice)
        assert value in facet.choices.values
        spec = FACETS_BY_NAME[facet.name]
        assert (spec.param, spec.field, spec.label) == (facet.param, facet.attribute, facet.label)
        for mapping in (ContentDocument._doc_type.mapping, AlertQuery._doc_type.mapping):
            assert mapping.to_dict()["properties"][facet.attribute] == {"type": "keyword"}
        assert document_for(practice)[facet.attribute] == value
        assert document_for(seminar).get(facet.attribute) is None
        assert page_values(practice)[facet.name] == {value} and page_values(seminar)[facet.name] == set()
        assert value_labels()[facet.name] == facet.labels()
        request, notices = request_from_get(QueryDict(f"{facet.param}={value}&{facet.param}=nonesiste"))
        assert request.filters[facet.name] == (value,) and notices, "a value outside the choices is dropped, with a notice"
        assert (facet.param, value) in to_params(request)


def test_the_search_names_no_declared_facet():
    """Adding a facet touches the page type's declaration only: no search module names one."""
    from pathlib import Path

    from cms.models import declared_facets

    import search

    sources = {p: p.read_text() for p in Path(search.__file__).parent.rglob("*.py") if "migrations" not in p.parts}
    for facet in declared_facets():
        for name in (facet.name, facet.attribute, facet.param):
            named = [str(p) for p, text in sources.items() if f'"{name}"' in text or f"'{name}'" in text]
            assert not named, f"{name!r} is written in {named}: read it from the declaration"
