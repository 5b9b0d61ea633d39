"""The home page and plain text pages."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.admin_forms import CmsPageForm
from cms.models.blocks import BodyBlock


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
        from cms.home import home_blocks

        context = super().get_context(request, *args, **kwargs)
        context.update(home_blocks())
        return context


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
