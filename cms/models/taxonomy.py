"""Taxonomies editors manage as snippets: Zone distretto and Aree tematiche."""
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from cms.admin_forms import CmsSnippetForm


class AziendaUSL(models.TextChoices):
    NORD_OVEST = "nord-ovest", _("Toscana Nord Ovest")
    CENTRO = "centro", _("Toscana Centro")
    SUD_EST = "sud-est", _("Toscana Sud Est")


class SdsStatus(models.TextChoices):
    SI = "si", _("sì")
    NO = "no", _("no")
    DA_VERIFICARE = "da_verificare", _("da verificare")


class Zona(index.Indexed, models.Model):
    """A Zona distretto (L.R. 40/2005, art. 64) with its Azienda USL and Società della Salute."""

    name = models.CharField(_("nome"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Usato nell'indirizzo /zone/<slug>/."))
    azienda_usl = models.CharField(_("Azienda USL"), max_length=20, choices=AziendaUSL.choices)
    sds_status = models.CharField(
        _("Società della Salute"),
        max_length=20,
        choices=SdsStatus.choices,
        default=SdsStatus.DA_VERIFICARE,
        help_text=_("Se nella zona opera una Società della Salute."),
    )
    comuni = models.TextField(
        _("comuni"), blank=True, help_text=_("Un comune per riga (oppure separati da punto e virgola).")
    )
    note = models.TextField(_("note"), blank=True)
    # Contacts: the reference data (cms/data/zone-distretto.csv) has none, so they start empty and the zona
    # page says "non disponibile" until an editor enters the verified ones.
    structure_name = models.CharField(
        _("struttura di gestione"), max_length=200, blank=True,
        help_text=_("Nome della Società della Salute o della struttura che gestisce la zona (es. «Società della Salute Pisana»)."),
    )
    address = models.CharField(_("indirizzo"), max_length=250, blank=True, help_text=_("Sede della struttura di gestione."))
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Indirizzo di posta elettronica pubblico della struttura."))
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    website = models.URLField(_("sito web"), blank=True, help_text=_("Sito ufficiale della Società della Salute o della zona."))

    base_form_class = CmsSnippetForm
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("azienda_usl"),
        FieldPanel("sds_status"),
        FieldPanel("comuni"),
        FieldPanel("note"),
        MultiFieldPanel(
            [FieldPanel("structure_name"), FieldPanel("address"), FieldPanel("email"), FieldPanel("phone"),
             FieldPanel("website")],
            heading=_("Struttura e contatti"),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("comuni"),
        index.AutocompleteField("name"),
        index.FilterField("azienda_usl"),
        index.FilterField("sds_status"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("zona distretto")
        verbose_name_plural = _("zone distretto")

    def __str__(self):
        return self.name

    # The page forms' type-ahead picker (cms/admin_autocomplete.py): found by name or comune.
    @classmethod
    def autocomplete_custom_queryset_filter(cls, search_term: str, request=None):
        term = search_term.strip()
        return cls.objects.filter(models.Q(name__icontains=term) | models.Q(comuni__icontains=term)) if term else cls.objects.all()

    def autocomplete_label(self) -> str:
        return self.name

    def get_absolute_url(self):
        return reverse("cms:zona_detail", kwargs={"slug": self.slug})

    @property
    def comuni_list(self) -> list[str]:
        text = self.comuni.replace(";", "\n")
        return [c.strip() for c in text.splitlines() if c.strip()]

    def as_payload(self) -> dict:
        return {"id": self.pk, "name": self.name, "slug": self.slug, "azienda_usl": self.azienda_usl}


class Topic(index.Indexed, models.Model):
    """An area tematica (povertà e inclusione, abitare, ...)."""

    name = models.CharField(_("nome"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("descrizione"), blank=True)

    base_form_class = CmsSnippetForm
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("area tematica")
        verbose_name_plural = _("aree tematiche")

    def __str__(self):
        return self.name

    # The page forms' type-ahead picker (cms/admin_autocomplete.py).
    autocomplete_search_field = "name"

    def autocomplete_label(self) -> str:
        return self.name

    def as_payload(self) -> dict:
        return {"id": self.pk, "name": self.name, "slug": self.slug}
