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

# found by class, not from the registry: a page type missing from INDEXED_PAGE_MODELS fails too
CONCRETE_PAGE_TYPES = sorted((m for m in apps.get_models() if issubclass(m, ContentPage)), key=lambda m: m.__name__)


def test_the_concrete_page_types_are_found():
    assert len(CONCRETE_PAGE_TYPES) >= 6


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
