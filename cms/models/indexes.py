"""The index pages: each lists the public pages of one type below it, with filters and pagination.

Each renders a listing of cms.models.listing, which imports the content page types; so the index
pages sit above the listing and the page types, in a module of their own rather than next to
the type each lists.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.admin_forms import CmsPageForm
from cms.models.listing import paginated
from cms.zona_limit import PracticePermissionTester


class IndexPage(Page):
    """A listing of the content pages below it, with filters and pagination."""

    intro = RichTextField(_("introduzione"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    page_size = models.PositiveSmallIntegerField(
        _("elementi per pagina"), default=12, help_text=_("Quanti elementi mostrare in ogni pagina dell'elenco.")
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("page_size")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    base_form_class = CmsPageForm
    index_template = "cms/index_page.html"
    listing_model = ""  # "cms.SeminarPage" ...
    # one index of each type, right under the home page
    parent_page_types = ["cms.HomePage"]
    max_count = 1

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        return self.index_template

    def get_listing_model(self):
        from django.apps import apps

        return apps.get_model(self.listing_model)

    @property
    def feed_kind(self) -> str:
        """The /feeds/<kind>/ of this listing: the slug its page type declares, '' when it has no feed."""
        feed = self.get_listing_model().feed
        return feed.slug if feed else ""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = paginated(self.get_listing_model(), request, parent=self, default_per_page=self.page_size or 12)
        self._listing_errors = listing.errors
        context["listing"] = listing
        context["items"] = listing.page_obj
        context["feed_kind"] = self.feed_kind
        context.update(self.index_links(listing))
        return context

    def index_links(self, listing) -> dict:
        """Extra links of the index (calendar, exports); none by default."""
        return {}

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(self, "_listing_errors", False):
            response.status_code = 400  # a filter value we cannot use: say so, with the form errors
        return response


class EventIndexPage(IndexPage):
    """The index of an event type: it links the events' calendar (iCalendar)."""

    class Meta:
        abstract = True

    def index_links(self, listing):
        from django.urls import reverse

        return {"calendar_link": reverse("cms:calendar_ics")}


class SeminarIndexPage(EventIndexPage):
    subpage_types = ["cms.SeminarPage"]
    listing_model = "cms.SeminarPage"

    class Meta:
        verbose_name = _("elenco dei seminari")


class WorkshopIndexPage(EventIndexPage):
    subpage_types = ["cms.WorkshopPage"]
    listing_model = "cms.WorkshopPage"

    class Meta:
        verbose_name = _("elenco dei laboratori")


class PracticeIndexPage(IndexPage):
    subpage_types = ["cms.PracticePage"]
    listing_model = "cms.PracticePage"

    def index_links(self, listing):
        from django.urls import reverse

        query = f"?{listing.querystring}" if listing.querystring else ""
        return {"export_links": [
            (_("Esporta in CSV"), reverse("cms:practices_export", args=["csv"]) + query),
            (_("Esporta in JSON"), reverse("cms:practices_export", args=["json"]) + query),
        ]}

    def permissions_for_user(self, user):
        """A Referente di Zona may add practices here, not edit the site-wide index (cms/zona_limit.py)."""
        return PracticePermissionTester(user, self)

    class Meta:
        verbose_name = _("elenco delle buone pratiche")


class NormIndexPage(IndexPage):
    """Quadro normativo: the acts by year, with filters."""

    subpage_types = ["cms.NormPage"]
    listing_model = "cms.NormPage"
    index_template = "cms/norm_index_page.html"

    class Meta:
        verbose_name = _("quadro normativo")


class DataIndexPage(IndexPage):
    subpage_types = ["cms.DataPage"]
    listing_model = "cms.DataPage"

    class Meta:
        verbose_name = _("elenco dei dati")


class NewsIndexPage(IndexPage):
    subpage_types = ["cms.NewsPage"]
    listing_model = "cms.NewsPage"

    class Meta:
        verbose_name = _("elenco delle notizie")
