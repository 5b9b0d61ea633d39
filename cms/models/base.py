"""The abstract base of every public content page (the index pages are in cms.models.indexes).

``ContentPage.search_payload()`` is the one contract the search app relies on:
a plain dict with a fixed set of keys, built from the page alone.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.models import Page
from wagtail.search import index

from cms import seo
from cms.admin_forms import CmsPageForm
from cms.models.declarations import FacetDeclaration, FeedDeclaration, NewsletterDeclaration
from cms.models.text import join_text

from cms import NEWSLETTER_TAG  # noqa: E402  (re-exported)
from cms.visibility import visible

PAYLOAD_KEYS = (
    "id", "content_type", "title", "summary", "body", "attachments", "zones", "topics", "tags", "date",
    "year", "facets", "act_ids", "related_act_ids", "upcoming", "url", "first_published_at", "last_published_at",
)


class ContentPage(Page):
    """Public content: a summary, areas tematiche, tags and a search payload."""

    content_kind = ""  # "seminar" | "workshop" | "practice" | "norm" | "data" | "news"
    # Its place wherever the page types are listed together (the zona page's sections, the feeds,
    # the indexes): the portal keeps no list of its page types, it finds them (cms.models).
    site_order: int
    # The relations search_payload() reads: the search prefetches them for a batch of
    # pages of one type at once (search.indexing.documents.build_documents), so that building many
    # documents costs a few queries per batch instead of several per page.
    search_prefetch: tuple[str, ...] = ("topics",)

    # What the page type contributes to the rest of the portal (cms.models.declarations), declared
    # by every concrete page type, together with structured_data(). Left undefined here so that a
    # page type without them fails tests/cms/test_page_declarations.py instead of passing unnoticed.
    jsonld_type: str  # the schema.org @type its structured_data() describes a page as
    newsletter: NewsletterDeclaration  # its newsletter section and when it enters an edition
    feed: FeedDeclaration | None  # its RSS/Atom feed (cms.feeds), or None for a type without one
    # The search facets of this page type beyond the ones every content page has (none for most).
    search_facets: tuple[FacetDeclaration, ...] = ()
    zona_field: str | None  # the field naming the zona or zone it is about ("zona", "zones"), or None

    summary = models.TextField(
        _("sommario"),
        help_text=_("Due o tre frasi: compaiono negli elenchi, nella ricerca e nella newsletter."),
    )
    topics = ParentalManyToManyField(
        "cms.Topic", blank=True, verbose_name=_("aree tematiche"), help_text=_("Una o più aree tematiche.")
    )

    search_fields = Page.search_fields + [index.SearchField("summary")]
    promote_panels = Page.promote_panels
    base_form_class = CmsPageForm

    class Meta:
        abstract = True

    def deferring_required(self) -> bool:
        """True while the admin saves a draft (or autosaves): clean() leaves "must be filled in"
        checks to publishing (set by cms.admin_forms.CmsPageForm)."""
        return bool(getattr(self, "_deferring_required", False))

    # --- parts of the payload each page type fills in -------------------------------
    def main_date(self):
        """The date that places the item in time (seminar start, norm date, ...)."""
        if self.first_published_at:
            return self.first_published_at.date()
        return None

    def body_text(self) -> str:
        return ""

    def payload_zones(self):
        return []

    @classmethod
    def pages_showing(cls, label: str, pk) -> list[int]:
        """Ids of pages of this type whose search documents show the Zona, Topic or norm ``label``
        #``pk`` though none of their fields points at it (the search re-indexes them when it is
        renamed, beside the pages whose fields do)."""
        return []

    def attachment_ids(self) -> list[int]:
        return []

    def act_identifiers(self) -> tuple[list[str], list[str]]:
        """(the identifiers of the act this page is, those of the acts it cites). The search puts
        a cited act above the pages citing it, and relates pages through the acts they share."""
        return [], self.norm_identifiers()

    def norm_identifiers(self) -> list[str]:
        """Identifiers of the norms this item relates to (its own, for a norm)."""
        related = getattr(self, "related_norms", None)
        if related is None:
            return []
        ids: list[str] = []
        for norm in related.all():
            ids.extend(norm.identifiers())
        return ids

    def payload_upcoming(self):
        return None

    def event_occurrences(self) -> list:
        """When the page happens (cms.events.Occurrence), for the page types that are events."""
        return []

    def tag_names(self) -> list[str]:
        tags = getattr(self, "tags", None)
        return sorted(t.name for t in tags.all()) if tags is not None else []

    def search_payload(self) -> dict:
        """Everything the search index needs about this page, as plain values."""
        date = self.main_date()
        own_acts, cited_acts = self.act_identifiers()
        return {
            "id": self.pk,
            "content_type": self.content_kind,
            "title": self.title,
            "summary": self.summary,
            "body": self.body_text(),
            "attachments": self.attachment_ids(),
            "zones": [z.as_payload() for z in self.payload_zones()],
            "topics": [t.as_payload() for t in self.topics.all()],
            "tags": self.tag_names(),
            "date": date,
            "year": date.year if date else None,
            "facets": {facet.attribute: facet.value_of(self) for facet in self.search_facets},
            "act_ids": own_acts,
            "related_act_ids": cited_acts,
            "upcoming": self.payload_upcoming(),
            "url": self.url,
            "first_published_at": self.first_published_at,
            "last_published_at": self.last_published_at,
        }

    @staticmethod
    def plain(*values) -> str:
        return join_text(*values)

    # --- feed items (cms.feeds), for the types that declare a feed ---------------------
    def feed_item_title(self) -> str:
        return self.title

    def feed_item_pubdate(self):
        """When the item counts as published in a feed."""
        return self.first_published_at

    # --- front end ---------------------------------------------------------------------
    def listing_meta(self) -> list[str]:
        """Short facts shown under the title in listings (date, zona ...)."""
        return []

    def related_pages(self, limit: int = 4):
        """Live, public pages of the same type sharing an area tematica (most recent first)."""
        model = type(self)
        topic_ids = [t.pk for t in self.topics.all()]
        if not topic_ids:
            return model.objects.none()
        qs = (
            visible(model.objects.live()).exclude(pk=self.pk)
            .filter(pk__in=model.objects.filter(topics__in=topic_ids).values("pk"))
            .order_by("-first_published_at")
            .prefetch_related("topics")
        )
        return qs[:limit]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["jsonld"] = seo.jsonld_for(self, request)
        context["og_type"] = "article"
        return context
