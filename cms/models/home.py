"""The home page and plain text pages."""
from django.db import models
from django.db.models import Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.admin_forms import CmsPageForm
from cms.events import soonest_first
from cms.models.blocks import BodyBlock
from cms.models.data import DataPage
from cms.models.listing import public_pages
from cms.models.news import NewsPage
from cms.models.norms import NormPage
from cms.models.practices import PracticePage
from cms.models.seminars import SeminarPage
from cms.models.workshops import WorkshopPage, WorkshopSession


class HomePage(Page):
    """The portal's front page."""

    intro = RichTextField(_("introduzione"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    base_form_class = CmsPageForm
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.SeminarIndexPage", "cms.WorkshopIndexPage", "cms.PracticeIndexPage", "cms.NormIndexPage",
        "cms.DataIndexPage", "cms.NewsIndexPage", "cms.StandardPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(home_blocks())
        return context


def upcoming_events(limit=3):
    now = timezone.now()
    seminars = list(public_pages(SeminarPage).filter(start__gte=now).order_by("start").prefetch_related("zones", "topics")[:limit])
    coming = WorkshopSession.objects.filter(start__gte=now)
    workshops = list(
        public_pages(WorkshopPage).filter(pk__in=coming.values("page_id"))
        .annotate(next_start=Min("sessions__start", filter=Q(sessions__start__gte=now))).order_by("next_start", "pk")
        .prefetch_related("zones", "topics", Prefetch("sessions", WorkshopSession.objects.order_by("start")))[:limit]
    )
    return seminars, soonest_first(workshops)  # the soonest first, by the same answer the cards show


def home_blocks() -> dict:
    seminars, workshops = upcoming_events()
    return {
        "latest_practices": public_pages(PracticePage).select_related("zona").prefetch_related("topics")
        .order_by("-first_published_at")[:4],
        "upcoming_seminars": seminars,
        "upcoming_workshops": workshops,
        "latest_norms": public_pages(NormPage).prefetch_related("topics").order_by("-last_published_at", "-year")[:5],
        "key_figures": public_pages(DataPage).filter(is_key_figure=True).select_related("zona").order_by("-period_end")[:4],
        "latest_news": public_pages(NewsPage).prefetch_related("topics", "zones").order_by("-date")[:3],
    }


class StandardPage(Page):
    """A plain page (la Comunità, la piattaforma, note legali ...)."""

    summary = models.TextField(_("sommario"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("testo"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    base_form_class = CmsPageForm
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("pagina semplice")
        verbose_name_plural = _("pagine semplici")
