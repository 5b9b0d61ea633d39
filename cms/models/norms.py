"""Norme (atti); their index, the Quadro normativo, is in cms.models.indexes."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.api import APIField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index
from wagtailautocomplete.edit_handlers import AutocompletePanel

from cms import norm_citation, norms_ids, seo
from cms.admin_forms import NormAdminForm
from cms.models.base import ContentPage
from cms.models.declarations import FeedDeclaration, NewsletterDeclaration
from cms.norms_ids import NormKind
from cms.visibility import visible


class NormStatus(models.TextChoices):
    VIGENTE = "vigente", _("vigente")
    MODIFICATA = "modificata", _("modificata")
    ABROGATA = "abrogata", _("abrogata")


# schema.org's legislationLegalForce of each status
LEGAL_FORCE = {
    NormStatus.VIGENTE: "https://schema.org/InForce",
    NormStatus.MODIFICATA: "https://schema.org/PartiallyInForce",
    NormStatus.ABROGATA: "https://schema.org/NotInForce",
}


class NormPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.NormPage", related_name="tagged_items", on_delete=models.CASCADE)


class NormPage(ContentPage):
    """A regional, national or European act with its URN:NIR and relations to other acts."""

    content_kind = "norm"
    site_order = 40

    zona_field = None
    jsonld_type = "Legislation"
    newsletter = NewsletterDeclaration("normativa", "Norma", news_when_changed=True)
    feed = FeedDeclaration("norme", _("Quadro normativo"), ordering=("-year", "-date"), aliases=("norms",))
    search_prefetch = ("topics", "tags")

    kind = models.CharField(_("tipo di atto"), max_length=30, choices=NormKind.choices)
    number = models.CharField(
        _("numero"), max_length=20, blank=True,
        help_text=_("Solo il numero (es. 544); per i regolamenti UE anche nella forma anno/numero (2016/679)."),
    )
    date = models.DateField(_("data"), null=True, blank=True, help_text=_("Data di adozione dell'atto."))
    year = models.PositiveSmallIntegerField(
        _("anno"), null=True, blank=True, help_text=_("Ricavato dalla data; da indicare solo se la data esatta non è nota.")
    )
    issuing_body = models.CharField(_("ente emanante"), max_length=200, help_text=_("Es. Giunta regionale Toscana."))
    authority = models.CharField(
        _("autorità URN"), max_length=120, blank=True,
        help_text=_("Autorità nella forma URN:NIR (es. regione.toscana, stato). Lasciare vuoto per ricavarla dal tipo e dall'ente."),
    )
    urn = models.CharField(_("identificativo URN:NIR"), max_length=250, blank=True, editable=False, db_index=True)
    status = models.CharField(_("stato"), max_length=20, choices=NormStatus.choices, default=NormStatus.VIGENTE)
    body = RichTextField(_("commento"), blank=True, help_text=_("Cosa prevede l'atto e perché conta per i servizi."))
    note = models.TextField(_("note"), blank=True)
    full_text_document = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("testo integrale (documento)"),
    )
    # the official source: one link, shown as "Fonte ufficiale" and given to search engines as sameAs
    full_text_url = models.URLField(
        _("fonte ufficiale (collegamento)"), blank=True, max_length=500,
        help_text=_("Indirizzo del testo ufficiale dell'atto: Normattiva, Gazzetta Ufficiale, BURT (Bollettino ufficiale "
                    "della Regione Toscana) o EUR-Lex. Per le leggi e i decreti dello Stato con data e numero, se "
                    "lasciato vuoto, il portale collega Normattiva tramite l'identificativo URN:NIR."),
    )
    tags = ClusterTaggableManager(through=NormPageTag, blank=True, verbose_name=_("etichette"))

    content_panels = ContentPage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("number"), FieldPanel("date"), FieldPanel("year"),
             FieldPanel("issuing_body"), FieldPanel("authority"), FieldPanel("status")],
            heading=_("Estremi dell'atto"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("full_text_url"), FieldPanel("full_text_document")],
                        heading=_("Testo integrale")),
        FieldPanel("note"),
    ]
    relations_panels = [InlinePanel("outgoing_relations", label=_("relazione con un altro atto"), heading=_("Relazioni"))]
    taxonomy_panels = [AutocompletePanel("topics"), FieldPanel("tags")]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Atto")),
        ObjectList(relations_panels, heading=_("Relazioni")),
        ObjectList(taxonomy_panels, heading=_("Classificazione")),
        ObjectList(ContentPage.promote_panels, heading=_("Promozione")),
        ObjectList(ContentPage.settings_panels, heading=_("Impostazioni")),
    ])

    search_fields = ContentPage.search_fields + [
        index.SearchField("number"), index.SearchField("urn"), index.SearchField("body"),
        index.FilterField("kind"), index.FilterField("status"), index.FilterField("year"),
        # the admin's page chooser autocompletes: an editor types "544" or "DGR 544/2023"
        index.AutocompleteField("label"),
    ]
    parent_page_types = ["cms.NormIndexPage"]
    subpage_types: list = []
    base_form_class = NormAdminForm
    api_fields = [APIField("summary"), APIField("kind"), APIField("number"), APIField("date"), APIField("year"), APIField("issuing_body"), APIField("urn"), APIField("status"), APIField("full_text_url")]

    class Meta:
        verbose_name = _("norma")
        verbose_name_plural = _("norme")
        indexes = [models.Index(fields=["-year", "-date"], name="cms_norm_year_date_desc")]  # the listing's order

    # --- identity ------------------------------------------------------------------
    def __str__(self):
        """'DGR 544/2023 – title': how editors recognise a norm in every list and chooser."""
        return f"{self.label} – {self.title}"

    def feed_item_title(self) -> str:
        return f"{self.label} – {self.title}"

    def get_admin_display_title(self):
        return f"{self.label} – {super().get_admin_display_title()}"

    # --- the page forms' type-ahead picker of related norms (cms/admin_autocomplete.py) ---
    def autocomplete_label(self) -> str:
        return str(self)

    @classmethod
    def autocomplete_custom_queryset_filter(cls, search_term: str, request=None):
        """A cited act is read as the search reads it (``cms.norm_citation``: "DGR 544/2023", "544/23",
        "dgr544", "delibera n. 544 del 2023"); while its number is still being typed ("DGR 54") the
        acts whose number starts so. Every other word must match the title, the number or the kind
        ("544", "linee guida")."""
        norms = cls.objects.all()
        cited = norm_citation.norm_reference(search_term)
        words = search_term
        if cited is not None:
            acts = norm_citation.cited_acts(cited, norms)
            if acts:
                norms = norms.filter(pk__in=acts)
            else:
                norms = norms.filter(number__startswith=cited.number.split("/")[-1])
                if cited.kinds:
                    norms = norms.filter(kind__in=cited.kinds)
            words = cited.rest(search_term)
        for word in words.split():
            norms = norms.filter(models.Q(title__icontains=word) | models.Q(number__icontains=word)
                                 | models.Q(kind__iexact=word))
        return norms.order_by("-year", "-date", "title")

    @property
    def effective_year(self):
        return self.date.year if self.date else self.year

    @property
    def label(self) -> str:
        return norms_ids.short_label(self.kind, self.number, self.effective_year)

    def compute_urn(self) -> str:
        authority = self.authority or norms_ids.authority_for(self.kind, self.issuing_body)
        return norms_ids.build_urn(self.kind, self.number, self.date, self.effective_year, authority)

    def identifiers(self) -> list[str]:
        return norms_ids.identifiers(self.kind, self.number, self.effective_year, self.urn or self.compute_urn())

    def official_link(self) -> str:
        """Where the official text is: the editor's link, else Normattiva's URN:NIR resolver for a national act
        with date and number; '' when neither (a regional act links only if the editor set it)."""
        if self.full_text_url:
            return self.full_text_url
        return norms_ids.normattiva_url(self.kind, self.number, self.date, self.urn or self.compute_urn())

    def clean(self):
        super().clean()
        errors = {}
        if self.date:
            self.year = self.date.year
        elif not self.year and not self.deferring_required():
            errors["date"] = _("Indicare la data dell'atto oppure almeno l'anno.")
        number = (self.number or "").strip()
        self.number = number
        if number:
            parsed = norms_ids.parse_number(number)
            if parsed is None:
                errors["number"] = _("Numero non valido: usare solo cifre (es. 544) oppure anno/numero (es. 2016/679).")
            elif parsed[1] and self.effective_year and parsed[1] != self.effective_year:
                errors["number"] = _("L'anno indicato nel numero non corrisponde all'anno dell'atto.")
            elif self.kind and self.effective_year:
                duplicates = NormPage.objects.filter(kind=self.kind, number=number, year=self.effective_year)
                if self.pk:
                    duplicates = duplicates.exclude(pk=self.pk)
                if duplicates.exists():
                    errors["number"] = _("Esiste già un atto %(label)s: lo stesso numero non può ripetersi per lo stesso tipo e anno.") % {
                        "label": self.label}
        elif self.kind and self.kind not in NormKind.NUMBER_OPTIONAL and not self.deferring_required():
            errors["number"] = _("Il numero è obbligatorio per questo tipo di atto.")
        for relation in self.outgoing_relations.all():
            if self.pk and relation.target_id == self.pk:
                errors["__all__"] = _("Un atto non può essere in relazione con se stesso.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.date:
            self.year = self.date.year
        self.urn = self.compute_urn()
        return super().save(*args, **kwargs)

    def listing_meta(self) -> list[str]:
        when = formats.date_format(self.date, "DATE_FORMAT") if self.date else str(self.year or "")
        return [self.label, when, self.get_status_display()]

    def get_context(self, request, *args, **kwargs):
        from cms.models.practices import PracticePage
        from cms.models.seminars import SeminarPage

        context = super().get_context(request, *args, **kwargs)
        context["related_practices"] = (
            visible(PracticePage.objects.live()).filter(related_norms=self).select_related("zona").order_by("title")
        )
        context["related_seminars"] = visible(SeminarPage.objects.live()).filter(related_norms=self).order_by("-start")
        return context

    # --- payload ---------------------------------------------------------------------
    def main_date(self):
        if self.date:
            return self.date
        if self.year:
            from datetime import date

            return date(self.year, 1, 1)
        return super().main_date()

    def body_text(self) -> str:
        return self.plain(self.body, self.note)

    def attachment_ids(self) -> list[int]:
        return [self.full_text_document_id] if self.full_text_document_id else []

    def norm_identifiers(self) -> list[str]:
        return self.identifiers()

    def act_identifiers(self) -> tuple[list[str], list[str]]:
        return self.identifiers(), []

    def structured_data(self, request=None) -> dict:
        """Legislation: its URN:NIR as identifier, who passed it, whether it is in force and the official text."""
        data = {
            "@context": "https://schema.org",
            "@type": self.jsonld_type,
            "name": self.title,
            "alternateName": self.label,
            "description": self.summary,
            "url": seo.absolute(self, request),
            "identifier": self.urn,
            "legislationIdentifier": self.urn,
            "legislationType": self.get_kind_display(),
            "legislationPassedBy": {"@type": "Organization", "name": self.issuing_body},
            "legislationLegalForce": LEGAL_FORCE[self.status],
            "inLanguage": "it",
        }
        if self.date:
            data["legislationDate"] = self.date.isoformat()
        if self.official_link():
            data["sameAs"] = self.official_link()
        return data

    def relations_both_sides(self):
        """(label, norm) pairs: what this act does to others and what others do to it."""
        out = [(r.get_kind_display(), r.target) for r in self.outgoing_relations.all() if r.target_id]
        inverse = dict(NormRelation.INVERSE)
        out += [(inverse[r.kind], r.source) for r in self.incoming_relations.all()]
        return out


class NormRelation(Orderable):
    """A relation from one act to another (attua, modifica, abroga, richiama)."""

    class Kind(models.TextChoices):
        ATTUA = "attua", _("attua")
        MODIFICA = "modifica", _("modifica")
        ABROGA = "abroga", _("abroga")
        RICHIAMA = "richiama", _("richiama")

    INVERSE = [
        ("attua", _("attuata da")),
        ("modifica", _("modificata da")),
        ("abroga", _("abrogata da")),
        ("richiama", _("richiamata da")),
    ]

    source = ParentalKey(NormPage, related_name="outgoing_relations", on_delete=models.CASCADE)
    kind = models.CharField(_("relazione"), max_length=20, choices=Kind.choices)
    target = models.ForeignKey(
        NormPage, on_delete=models.CASCADE, related_name="incoming_relations", verbose_name=_("atto collegato")
    )
    note = models.CharField(_("nota"), max_length=250, blank=True)

    panels = [FieldPanel("kind"), FieldPanel("target"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("relazione tra atti")
        verbose_name_plural = _("relazioni tra atti")

    def clean(self):
        super().clean()
        if self.source_id and self.target_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("Un atto non può essere in relazione con se stesso.")})
