"""Models of the cms app, re-exported from small modules.

From the bottom: what a page type declares for the rest of the portal (declarations), the
base of the content pages (base), the page types (data, news, norms,
practices, seminars, workshops, and taxonomy for zones and topics), their listings (listing),
then the pages that render listings (indexes, home)."""
from cms.models.base import NEWSLETTER_TAG, PAYLOAD_KEYS, ContentPage
from cms.models.data import DataPage, DataPageTag
from cms.models.home import HomePage, StandardPage
from cms.models.indexes import (
    DataIndexPage,
    IndexPage,
    NewsIndexPage,
    NormIndexPage,
    PracticeIndexPage,
    SeminarIndexPage,
    WorkshopIndexPage,
)
from cms.models.news import NewsPage, NewsPageTag
from cms.models.norms import NormPage, NormPageTag, NormRelation, NormStatus
from cms.models.practices import (
    Criterion,
    EvaluationLevel,
    FundingSource,
    PartnerKind,
    PracticeContact,
    PracticePage,
    PracticePageTag,
)
from cms.models.evaluation import PracticeCriterionEvidence
from cms.models.seminars import EventFormat, SeminarPage, SeminarPageTag, SeminarSpeaker
from cms.models.taxonomy import AziendaUSL, SdsStatus, Topic, Zona
from cms.models.workshops import WorkshopPage, WorkshopPageTag, WorkshopSession


def _concrete_subclasses(base) -> list:
    found = []
    for subclass in base.__subclasses__():
        if not subclass._meta.abstract:
            found.append(subclass)
        found.extend(_concrete_subclasses(subclass))
    return found


# The content page types (the search covers them all, one content_type each) and the index page
# listing each: found from the classes, in the order the page types declare, so that a new page
# type is its module, imported above, and its template.
INDEXED_PAGE_MODELS = sorted(_concrete_subclasses(ContentPage), key=lambda model: model.site_order)
INDEX_PAGE_MODELS = sorted(
    _concrete_subclasses(IndexPage),
    key=lambda index: [m._meta.label for m in INDEXED_PAGE_MODELS].index(index.listing_model),
)


def indexed_page_models():
    return list(INDEXED_PAGE_MODELS)


def declared_facets() -> list:
    """The search facets the page types declare (cms.models.declarations.FacetDeclaration), each
    once: two page types may share a facet by declaring the same one."""
    facets: dict = {}
    for model in INDEXED_PAGE_MODELS:
        for facet in model.search_facets:
            if facets.setdefault(facet.name, facet) != facet:
                raise ValueError(f"two page types declare the facet {facet.name!r} differently")
    return list(facets.values())


def model_for_content_type(content_type: str):
    """The page class for a payload's content_type ('seminar', 'norm', ...)."""
    for model in INDEXED_PAGE_MODELS:
        if model.content_kind == content_type:
            return model
    raise LookupError(content_type)


__all__ = [
    "NEWSLETTER_TAG", "PAYLOAD_KEYS", "ContentPage", "IndexPage", "INDEXED_PAGE_MODELS", "INDEX_PAGE_MODELS",
    "indexed_page_models", "declared_facets", "model_for_content_type",
    "AziendaUSL", "SdsStatus", "Topic", "Zona", "HomePage", "StandardPage",
    "SeminarIndexPage", "SeminarPage", "SeminarPageTag", "SeminarSpeaker", "EventFormat",
    "WorkshopIndexPage", "WorkshopPage", "WorkshopPageTag", "WorkshopSession",
    "PracticeIndexPage", "PracticePage", "PracticePageTag", "PracticeContact", "PracticeCriterionEvidence", "EvaluationLevel", "Criterion",
    "FundingSource", "PartnerKind",
    "NormIndexPage", "NormPage", "NormPageTag", "NormRelation", "NormStatus",
    "DataIndexPage", "DataPage", "DataPageTag", "NewsIndexPage", "NewsPage", "NewsPageTag",
]
