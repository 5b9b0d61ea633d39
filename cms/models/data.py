"""Dati: one value of an indicator for a period and a territory (the region or a zona)."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.api import APIField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.search import index
from wagtailautocomplete.edit_handlers import AutocompletePanel

from cms import seo
from cms.models.base import ContentPage
from cms.models.declarations import NewsletterDeclaration
from cms.visibility import visible


class DataPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.DataPage", related_name="tagged_items", on_delete=models.CASCADE)


class DataPage(ContentPage):
    """A figure: pages with the same indicator and territory form a series drawn as a chart."""

    content_kind = "data"
    site_order = 50

    zona_field = "zona"
    jsonld_type = "Observation"
    newsletter = NewsletterDeclaration("dati", "Dato")
    feed = None  # no RSS/Atom feed
    search_prefetch = ("topics", "zona", "tags")

    indicator = models.CharField(
        _("indicatore"), max_length=200, db_index=True,
        help_text=_("Nome dell'indicatore, identico per tutti i valori della stessa serie (es. «Beneficiari del Reddito di cittadinanza»)."),
    )
    value = models.DecimalField(_("valore"), max_digits=18, decimal_places=2)
    unit = models.CharField(_("unità di misura"), max_length=60, blank=True, help_text=_("Es. euro, persone, progetti, %."))
    period_label = models.CharField(_("periodo"), max_length=60, help_text=_("Come si legge il periodo: «2020», «gennaio-giugno 2021»."))
    period_start = models.DateField(_("inizio del periodo"), null=True, blank=True)
    period_end = models.DateField(_("fine del periodo"), null=True, blank=True)
    zona = models.ForeignKey(
        "cms.Zona", null=True, blank=True, on_delete=models.PROTECT, related_name="figures",
        verbose_name=_("zona"), help_text=_("Vuoto per un dato riferito all'intera Toscana."),
    )
    source = models.CharField(_("fonte"), max_length=250)
    source_url = models.URLField(_("collegamento alla fonte"), blank=True)
    note = models.TextField(_("note"), blank=True)
    is_key_figure = models.BooleanField(_("dato in evidenza"), default=False, help_text=_("Mostrato tra i principali dati della home page."))
    tags = ClusterTaggableManager(through=DataPageTag, blank=True, verbose_name=_("etichette"))

    content_panels = ContentPage.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("indicator"), FieldRowPanel([FieldPanel("value"), FieldPanel("unit")]), FieldPanel("is_key_figure")],
            heading=_("Valore"),
        ),
        MultiFieldPanel(
            [FieldPanel("period_label"), FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")])],
            heading=_("Periodo"),
        ),
        FieldPanel("zona"),
        MultiFieldPanel([FieldPanel("source"), FieldPanel("source_url"), FieldPanel("note")], heading=_("Fonte")),
    ]
    taxonomy_panels = [AutocompletePanel("topics"), FieldPanel("tags")]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Dato")),
        ObjectList(taxonomy_panels, heading=_("Classificazione")),
        ObjectList(ContentPage.promote_panels, heading=_("Promozione")),
        ObjectList(ContentPage.settings_panels, heading=_("Impostazioni")),
    ])

    search_fields = ContentPage.search_fields + [
        index.SearchField("indicator"), index.SearchField("source"), index.FilterField("zona"),
    ]
    parent_page_types = ["cms.DataIndexPage"]
    api_fields = [APIField("summary"), APIField("indicator"), APIField("value"), APIField("unit"), APIField("period_label"), APIField("period_start"), APIField("period_end"), APIField("zona"), APIField("source"), APIField("source_url")]
    subpage_types: list = []

    class Meta:
        verbose_name = _("dato")
        verbose_name_plural = _("dati")

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("La fine non può precedere l'inizio.")})

    @property
    def territory_label(self):
        return self.zona.name if self.zona_id else _("Toscana")

    def listing_meta(self) -> list[str]:
        return [str(self.territory_label), self.period_label]

    def series(self):
        """The live, public values of the same indicator and territory, in time order."""
        return (
            visible(DataPage.objects.live()).filter(indicator=self.indicator, zona_id=self.zona_id)
            .order_by("period_end", "period_start", "pk").only("pk", "title", "value", "unit", "period_label", "url_path", "path")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        series = list(self.series())
        context["series"] = series
        context["chart_points"] = [(p.period_label, p.value, p.unit) for p in series]
        return context

    def main_date(self):
        return self.period_end or self.period_start or super().main_date()

    def body_text(self) -> str:
        return self.plain(self.indicator, self.period_label, self.source, self.note)

    def payload_zones(self):
        return [self.zona] if self.zona_id else []

    def structured_data(self, request=None) -> dict:
        """An Observation: the value, its unit and the period it refers to."""
        data = seo.described(self, self.jsonld_type, request)
        data.update({"value": float(self.value), "unitText": self.unit, "observationDate": self.period_label})
        return data
