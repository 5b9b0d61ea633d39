"""Buone pratiche: one per Zona, with équipe, funding, evaluation and related norms."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.api import APIField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index
from wagtailautocomplete.edit_handlers import AutocompletePanel

from cms.admin_forms import PracticeAdminForm
from cms.models.base import ContentPage, IndexPage
from cms.models.blocks import MaterialsBlock, document_ids
from cms.models.fields import ChoiceListField

_TEXT = ["bold", "italic", "link", "ul", "ol", "h3", "h4"]


class EvaluationLevel(models.TextChoices):
    DA_VALUTARE = "da_valutare", _("da valutare")
    EMERGENTE = "emergente", _("pratica emergente")
    PROMETTENTE = "promettente", _("pratica promettente")
    BUONA_PRATICA = "buona_pratica", _("buona pratica")


class Criterion(models.TextChoices):
    TRASFERIBILITA = "trasferibilita", _("trasferibilità")
    SOSTENIBILITA = "sostenibilita", _("sostenibilità")
    INNOVATIVITA = "innovativita", _("innovatività")
    MISURABILITA = "misurabilita", _("misurabilità")
    PARTECIPAZIONE = "partecipazione", _("partecipazione")


class FundingSource(models.TextChoices):
    POR_FSE = "por_fse", _("POR FSE")
    PON_INCLUSIONE = "pon_inclusione", _("PON Inclusione")
    FSC = "fsc", _("FSC")
    PNRR = "pnrr", _("PNRR")
    FONDO_POVERTA = "fondo_poverta", _("Fondo Povertà")
    FNPS = "fnps", _("FNPS")
    RISORSE_PROPRIE = "risorse_proprie", _("risorse proprie")
    ALTRO = "altro", _("altro")


class PartnerKind(models.TextChoices):
    SDS = "sds", _("Società della Salute")
    COMUNI = "comuni", _("Comuni")
    AUSL = "ausl", _("Azienda USL")
    CPI = "cpi", _("Centri per l'impiego / ARTI")
    ETS = "ets", _("Enti del Terzo settore")
    SCUOLA = "scuola", _("scuole e formazione")
    IMPRESE = "imprese", _("imprese")
    ALTRO = "altro", _("altro")


class PracticeIndexPage(IndexPage):
    feed_kind = "buone-pratiche"
    subpage_types = ["cms.PracticePage"]
    parent_page_types = ["cms.HomePage"]
    max_count = 1
    listing_model = "cms.PracticePage"

    def index_links(self, listing):
        from django.urls import reverse

        query = f"?{listing.querystring}" if listing.querystring else ""
        return {"export_links": [
            (_("Esporta in CSV"), reverse("cms:practices_export", args=["csv"]) + query),
            (_("Esporta in JSON"), reverse("cms:practices_export", args=["json"]) + query),
        ]}

    def permissions_for_user(self, user):
        """A Referente di Zona may add practices here, not edit the site-wide index (cms/permissions.py)."""
        from cms.permissions import PracticePermissionTester

        return PracticePermissionTester(user, self)

    class Meta:
        verbose_name = _("elenco delle buone pratiche")


class PracticePageTag(TaggedItemBase):
    content_object = ParentalKey("cms.PracticePage", related_name="tagged_items", on_delete=models.CASCADE)


class PracticePage(ContentPage):
    """A practice of a Zona distretto, described so another territory can reuse it."""

    content_kind = "practice"
    search_prefetch = ("topics", "zona", "related_norms", "tags", "adoptions__zona")
    facet_prefetch = ("adoptions__zona",)  # the database search's facet rows (payload_zones)

    zona = models.ForeignKey(
        "cms.Zona", null=True, blank=False, on_delete=models.PROTECT, related_name="practices",
        verbose_name=_("zona distretto"), help_text=_("La zona in cui la pratica è realizzata (obbligatoria)."),
    )
    owner_body = models.CharField(_("ente titolare"), max_length=250, help_text=_("Es. Società della Salute della Valdinievole."))
    partner_kinds = ChoiceListField(_("tipi di partner"), item_choices=PartnerKind.choices)
    partners = models.TextField(_("partner"), blank=True, help_text=_("Un partner per riga."))
    target_groups = models.TextField(_("destinatari"), blank=True, help_text=_("A chi si rivolge la pratica."))
    objectives = RichTextField(_("obiettivi"), blank=True, features=_TEXT)
    activities = RichTextField(_("attività e metodo"), blank=True, features=_TEXT)
    core_team = models.TextField(_("équipe minima"), blank=True, help_text=_("Le figure sempre presenti, una per riga."))
    extended_team = models.TextField(_("équipe allargata"), blank=True, help_text=_("Le figure coinvolte secondo il caso, una per riga."))
    tools = RichTextField(_("strumenti"), blank=True, features=_TEXT, help_text=_("Es. scheda unica di segnalazione, protocolli, piattaforme."))
    data_protection = RichTextField(_("protezione dei dati"), blank=True, features=_TEXT, help_text=_("Come sono trattati i dati personali delle persone seguite."))
    funding_sources = ChoiceListField(_("fonti di finanziamento"), item_choices=FundingSource.choices)
    funding_note = models.CharField(_("dettaglio sul finanziamento"), max_length=250, blank=True)
    period_start = models.DateField(_("inizio"), null=True, blank=True)
    period_end = models.DateField(_("fine"), null=True, blank=True, help_text=_("Vuoto se la pratica è in corso."))
    results = RichTextField(_("risultati e indicatori"), blank=True, features=_TEXT)
    evaluation_level = models.CharField(
        _("livello di valutazione"), max_length=20, choices=EvaluationLevel.choices, default=EvaluationLevel.DA_VALUTARE,
        help_text=_("Lo assegna la moderazione; finché non lo fa resta «da valutare». Emergente: avviata da poco; "
                    "promettente: primi risultati; buona pratica: risultati verificati e trasferibili."),
    )
    criteria_met = ChoiceListField(_("criteri soddisfatti"), item_choices=Criterion.choices)
    lessons_learned = RichTextField(_("lezioni apprese"), blank=True, features=_TEXT)
    attachments = StreamField(MaterialsBlock(), blank=True, verbose_name=_("allegati"))
    related_norms = ParentalManyToManyField("cms.NormPage", blank=True, verbose_name=_("norme collegate"))
    tags = ClusterTaggableManager(through=PracticePageTag, blank=True, verbose_name=_("etichette"))

    # The first tab holds everything a practice needs to be published (title, zona, ente titolare,
    # sommario) and the evaluation level, an explicit choice; the other tabs are optional detail.
    content_panels = ContentPage.content_panels + [
        FieldPanel("zona"),
        FieldPanel("owner_body"),
        FieldPanel("summary"),
        FieldPanel("evaluation_level"),
        MultiFieldPanel([FieldPanel("partner_kinds"), FieldPanel("partners")], heading=_("Partner")),
        FieldPanel("target_groups"),
        FieldPanel("objectives"),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("Periodo")),
    ]
    method_panels = [
        FieldPanel("activities"),
        MultiFieldPanel([FieldPanel("core_team"), FieldPanel("extended_team")], heading=_("Équipe")),
        FieldPanel("tools"),
        FieldPanel("data_protection"),
        MultiFieldPanel([FieldPanel("funding_sources"), FieldPanel("funding_note")], heading=_("Finanziamento")),
    ]
    evaluation_panels = [
        FieldPanel("results"), FieldPanel("criteria_met"), FieldPanel("lessons_learned"),
    ]
    contacts_panels = [InlinePanel("contacts", label=_("contatto"), heading=_("Contatti dei servizi")), FieldPanel("attachments")]
    taxonomy_panels = [AutocompletePanel("topics"), AutocompletePanel("related_norms"), FieldPanel("tags")]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Pratica")),
        ObjectList(method_panels, heading=_("Metodo")),
        ObjectList(evaluation_panels, heading=_("Valutazione")),
        ObjectList(contacts_panels, heading=_("Contatti e allegati")),
        ObjectList(taxonomy_panels, heading=_("Classificazione")),
        ObjectList(ContentPage.promote_panels, heading=_("Promozione")),
        ObjectList(ContentPage.settings_panels, heading=_("Impostazioni")),
    ])

    search_fields = ContentPage.search_fields + [
        index.SearchField("owner_body"), index.SearchField("partners"), index.SearchField("target_groups"),
        index.SearchField("objectives"), index.SearchField("activities"), index.SearchField("results"),
        index.FilterField("zona"), index.FilterField("evaluation_level"),
    ]
    parent_page_types = ["cms.PracticeIndexPage"]
    subpage_types: list = []
    base_form_class = PracticeAdminForm
    api_fields = [APIField("summary"), APIField("zona"), APIField("owner_body"), APIField("evaluation_level"), APIField("criteria_met"), APIField("funding_sources"), APIField("period_start"), APIField("period_end"), APIField("target_groups")]

    class Meta:
        verbose_name = _("buona pratica")
        verbose_name_plural = _("buone pratiche")
        indexes = [models.Index(fields=["-period_start"], name="cms_practice_period_desc")]  # the listing's order

    def clean(self):
        super().clean()
        errors = {}
        if not self.zona_id and not self.deferring_required():
            errors["zona"] = _("Una buona pratica deve indicare la zona distretto in cui è realizzata.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("La fine non può precedere l'inizio.")
        if errors:
            raise ValidationError(errors)

    def permissions_for_user(self, user):
        """Page permissions, narrowed to their own zona for a Referente di Zona."""
        from cms.permissions import PracticePermissionTester

        return PracticePermissionTester(user, self)

    def get_workflow(self):
        """'Revisione buone pratiche' wherever the practice sits; the tree's workflow if it was removed."""
        from cms.workflows import practice_workflow

        return practice_workflow() or super().get_workflow()

    def funding_labels(self):
        return self._meta.get_field("funding_sources").labels(self.funding_sources)

    def criteria_labels(self):
        return self._meta.get_field("criteria_met").labels(self.criteria_met)

    def partner_kind_labels(self):
        return self._meta.get_field("partner_kinds").labels(self.partner_kinds)

    def listing_meta(self) -> list[str]:
        meta = [self.zona.name] if self.zona_id else []
        meta.append(self.get_evaluation_level_display())
        if self.period_start:
            meta.append(str(self.period_start.year))
        return meta

    @property
    def is_ongoing(self) -> bool:
        return self.period_end is None

    def main_date(self):
        return self.period_start or super().main_date()

    def body_text(self) -> str:
        return self.plain(
            self.owner_body, self.partners, self.target_groups, self.objectives, self.activities, self.core_team,
            self.extended_team, self.tools, self.data_protection, self.results, self.lessons_learned, self.attachments,
        )

    def payload_zones(self):
        """Its zona, then the zones that adopted it (approved records of adoptions/): a practice
        counts in the zona facet wherever it is practised."""
        adopted = [a.zona for a in self.adoptions.all() if a.is_approved and a.zona_id != self.zona_id]
        return ([self.zona] if self.zona_id else []) + sorted(adopted, key=lambda z: z.name)

    def attachment_ids(self) -> list[int]:
        return document_ids(self.attachments)

    def payload_evaluation_level(self):
        return self.evaluation_level


class PracticeContact(Orderable):
    """A service address to contact (not a private person by default)."""

    page = ParentalKey(PracticePage, related_name="contacts", on_delete=models.CASCADE)
    service = models.CharField(_("servizio"), max_length=250)
    address = models.CharField(_("indirizzo"), max_length=250, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    url = models.URLField(_("sito"), blank=True)
    private = models.BooleanField(
        _("indirizzo di una persona"), default=False,
        help_text=_("Una persona che ha acconsentito a essere contattata: l'indirizzo non viene mai mostrato, "
                    "gli operatori le scrivono dal modulo del portale."))

    panels = [FieldPanel("service"), FieldPanel("address"), FieldPanel("email"), FieldPanel("private"),
              FieldPanel("phone"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("contatto")
        verbose_name_plural = _("contatti")

