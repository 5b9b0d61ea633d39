"""Notizie: updates of the community."""
from datetime import datetime, time

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.api import APIField
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.search import index
from wagtailautocomplete.edit_handlers import AutocompletePanel

from cms import seo
from cms.models.base import ContentPage
from cms.models.declarations import FeedDeclaration, NewsletterDeclaration
from cms.models.blocks import BodyBlock, MaterialsBlock, document_ids


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class NewsPage(ContentPage):
    content_kind = "news"
    site_order = 60
    zona_field = "zones"
    jsonld_type = "Article"
    newsletter = NewsletterDeclaration("notizie", "Notizia")
    feed = FeedDeclaration("notizie", _("Notizie"), ordering=("-date", "-first_published_at"), aliases=("news",))
    search_prefetch = ("topics", "zones", "related_norms", "tags")

    date = models.DateField(_("data"), default=timezone.localdate)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("testo"))
    zones = ParentalManyToManyField("cms.Zona", blank=True, verbose_name=_("zone"))
    related_norms = ParentalManyToManyField("cms.NormPage", blank=True, verbose_name=_("norme collegate"))
    attachments = StreamField(MaterialsBlock(), blank=True, verbose_name=_("allegati"))
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("etichette"))

    content_panels = ContentPage.content_panels + [
        FieldPanel("date"), FieldPanel("summary"), FieldPanel("body"), FieldPanel("attachments"),
    ]
    taxonomy_panels = [AutocompletePanel("zones"), AutocompletePanel("topics"), AutocompletePanel("related_norms"), FieldPanel("tags")]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Notizia")),
        ObjectList(taxonomy_panels, heading=_("Classificazione")),
        ObjectList(ContentPage.promote_panels, heading=_("Promozione")),
        ObjectList(ContentPage.settings_panels, heading=_("Impostazioni")),
    ])

    search_fields = ContentPage.search_fields + [index.SearchField("body"), index.FilterField("date")]
    parent_page_types = ["cms.NewsIndexPage"]
    api_fields = [APIField("summary"), APIField("date"), APIField("body")]
    subpage_types: list = []

    class Meta:
        verbose_name = _("notizia")
        verbose_name_plural = _("notizie")
        indexes = [models.Index(fields=["-date"], name="cms_news_date_desc")]  # the listing's and the home's order

    def listing_meta(self) -> list[str]:
        return [formats.date_format(self.date, "DATE_FORMAT")] + [z.name for z in self.zones.all()]

    def main_date(self):
        return self.date

    def feed_item_pubdate(self):
        """Its date (at 9:00), not when it was put online: a news item may be entered after the fact."""
        return timezone.make_aware(datetime.combine(self.date, time(9))) if self.date else None

    def body_text(self) -> str:
        return self.plain(self.body, self.attachments)

    def payload_zones(self):
        return self.zones.all()

    def attachment_ids(self) -> list[int]:
        return document_ids(self.attachments)

    def structured_data(self, request=None) -> dict:
        return seo.article(self, request, self.main_date())
