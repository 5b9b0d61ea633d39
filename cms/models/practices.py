"""Buone pratiche: realized in a Zona (and possibly shared with others or region-wide), with équipe,
funding, evaluation (with its evidence, cms.models.evaluation) and related norms."""
from django.conf import settings
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

from cms import seo
from cms.admin_forms import PracticeAdminForm, evidence_panel
from cms.models.base import ContentPage
from cms.models.declarations import FacetDeclaration, FeedDeclaration, NewsletterDeclaration
from cms.models.blocks import MaterialsBlock, document_ids
from cms.models.fields import ChoiceListField
from cms.practice_rules import Criterion, EvaluationLevel, repeated_zona_message
from cms.zona_limit import PracticePermissionTester

_TEXT = ["bold", "italic", "link", "ul", "ol", "h3", "h4"]


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


class PracticePageTag(TaggedItemBase):
    content_object = ParentalKey("cms.PracticePage", related_name="tagged_items", on_delete=models.CASCADE)


class PracticePage(ContentPage):
    """A practice of a Zona distretto, described so another territory can reuse it."""

    content_kind = "practice"
    site_order = 30
    zona_field = "zona"

    zona_limited = True  # a Referente di Zona acts only on the practices of their own zona (cms/zona_limit.py)
    jsonld_type = "Article"
    newsletter = NewsletterDeclaration("pratiche", "Buona pratica")
    feed = FeedDeclaration("buone-pratiche", _("Buone pratiche"), ordering=("-first_published_at",),
                           aliases=("practices",), select_related=("zona",))
    search_facets = (FacetDeclaration("level", "livello", _("Livello di valutazione"), "evaluation_level", EvaluationLevel),)
    search_prefetch = ("topics", "zona", "related_norms", "tags", "adoptions__zona", "other_zones")
    facet_prefetch = ("adoptions__zona", "other_zones")  # the database search's facet rows (payload_zones)

    zona = models.ForeignKey(
        "cms.Zona", null=True, blank=False, on_delete=models.PROTECT, related_name="practices",
        verbose_name=_("zona distretto"), help_text=_("La zona in cui la pratica è realizzata (obbligatoria)."),
    )
    # Practices travel: one realized by a Zona with its neighbours, or a regional protocol applied everywhere.
    # The main zona stays the one responsible (permissions, "Altre pratiche della zona"); the coverage only
    # widens where the practice is found (zona pages, the listing's zona filter, the search facets).
    covers_whole_region = models.BooleanField(
        _("tutta la Toscana"), default=False,
        help_text=_("Spunta se la pratica è attiva in tutte le zone distretto della regione, es. un protocollo "
                    "regionale applicato da ogni Società della Salute."))
    other_zones = ParentalManyToManyField(
        "cms.Zona", blank=True, related_name="covered_practices", verbose_name=_("altre zone coinvolte"),
        help_text=_("Le zone in cui la pratica è realizzata oltre alla zona principale, es. «Mugello» per un servizio "
                    "condiviso con la Fiorentina Nord-Ovest."))
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
    # Who evaluated and when, as the EU Best Practice Portal publishes: set by the admin form
    # (cms.admin_forms.PracticeAdminForm) when a moderator changes the evaluation.
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("valutata da"))
    evaluated_at = models.DateField(
        _("data della valutazione"), null=True, blank=True,
        help_text=_("Si compila da sola quando cambi livello, criteri o motivazioni; correggila se la valutazione è "
                    "stata fatta un altro giorno, es. 12/03/2025."))
    lessons_learned = RichTextField(_("lezioni apprese"), blank=True, features=_TEXT)
    attachments = StreamField(MaterialsBlock(), blank=True, verbose_name=_("allegati"))
    related_norms = ParentalManyToManyField("cms.NormPage", blank=True, verbose_name=_("norme collegate"))
    tags = ClusterTaggableManager(through=PracticePageTag, blank=True, verbose_name=_("etichette"))

    # The first tab holds everything a practice needs to be published (title, zona, ente titolare,
    # sommario) and the evaluation level, an explicit choice; the other tabs are optional detail.
    content_panels = ContentPage.content_panels + [
        FieldPanel("zona"),
        MultiFieldPanel([FieldPanel("covers_whole_region"), AutocompletePanel("other_zones")], heading=_("Altre zone")),
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
        FieldPanel("results"), FieldPanel("criteria_met"), evidence_panel(), FieldPanel("evaluated_at"),
        FieldPanel("lessons_learned"),
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
    api_fields = [APIField("summary"), APIField("zona"), APIField("owner_body"), APIField("evaluation_level"), APIField("criteria_met"), APIField("covers_whole_region"), APIField("other_zones"), APIField("funding_sources"), APIField("period_start"), APIField("period_end"), APIField("target_groups")]

    class Meta:
        verbose_name = _("buona pratica")
        verbose_name_plural = _("buone pratiche")
        indexes = [
            models.Index(fields=["-period_start"], name="cms_practice_period_desc"),  # the listing's order
            # a zona's page lists the region-wide practices too: without this, finding the few of them
            # read every practice (51 ms of the zona page's 110 at 100k practices, make bench)
            models.Index(fields=["-period_start"], name="cms_practice_regionwide",
                         condition=models.Q(covers_whole_region=True)),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if not self.zona_id and not self.deferring_required():
            errors["zona"] = _("Una buona pratica deve indicare la zona distretto in cui è realizzata.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("La fine non può precedere l'inizio.")
        if self.zona_id and any(z.pk == self.zona_id for z in self.other_zones.all()):
            errors["other_zones"] = repeated_zona_message(self.zona)
        if errors:
            raise ValidationError(errors)

    def permissions_for_user(self, user):
        """Page permissions, narrowed to their own zona for a Referente di Zona."""
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
        if self.covers_whole_region:
            meta.append(str(_("tutta la Toscana")))
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
        """Its zona, then every other zona where it is practised, by name: the zones it covers (all of
        them for a region-wide practice: a practitioner filtering by their zona expects to find it) and
        those that adopted it (approved records of adoptions/). The zona facets of both search backends
        and the search text read this."""
        if self.covers_whole_region:
            others = [z for z in all_zones() if z.pk != self.zona_id]
        else:
            found = {z.pk: z for z in self.other_zones.all()}
            found.update((a.zona_id, a.zona) for a in self.adoptions.all() if a.is_approved)
            found.pop(self.zona_id, None)
            others = sorted(found.values(), key=lambda z: z.name)
        return ([self.zona] if self.zona_id else []) + others

    @classmethod
    def pages_showing(cls, label: str, pk) -> list[int]:
        """The zona in ``payload_zones`` without a field of the practice naming it: every region-wide
        practice, and those the zona adopted."""
        if label != "cms.zona":
            return []
        return list(cls.objects.filter(models.Q(covers_whole_region=True) | models.Q(adoptions__zona_id=pk))
                    .values_list("pk", flat=True).distinct())

    def involved_zones(self) -> list:
        """The other zones it is realized in (not the adopting ones: those are listed under the practice).
        Read once per instance: the page's header and its JSON-LD both ask."""
        if "_involved_zones" not in self.__dict__:
            self._involved_zones = [] if self.covers_whole_region else sorted(
                (z for z in self.other_zones.all() if z.pk != self.zona_id), key=lambda z: z.name)
        return self._involved_zones

    def criteria_with_evidence(self) -> list[tuple[str, str]]:
        """(criterion label, justification or "") for each criterion met, in the choices' order (read
        once per instance; no query when no criterion is met)."""
        if "_criteria_with_evidence" not in self.__dict__:
            met = set(self.criteria_met or ())
            reasons = {e.criterion: e.justification for e in self.criteria_evidence.all()} if met else {}
            self._criteria_with_evidence = [(str(label), reasons.get(value, "")) for value, label in Criterion.choices
                                            if value in met]
        return self._criteria_with_evidence

    def has_evidence(self) -> bool:
        return any(text for _label, text in self.criteria_with_evidence())

    def evaluator_label(self) -> str:
        """Who evaluated, as the public page says it: the full name, never the e-mail; «la redazione»
        when the account has no name or was removed."""
        user = self.evaluated_by
        name = user.get_full_name().strip() if user is not None else ""
        return name or str(_("la redazione"))

    def attachment_ids(self) -> list[int]:
        return document_ids(self.attachments)

    def structured_data(self, request=None) -> dict:
        """An Article, with where it is realized: its zona and the others it covers, or the whole region."""
        data = seo.article(self, request, self.main_date())
        places = ["Toscana"] if self.covers_whole_region else [z.name for z in [self.zona, *self.involved_zones()] if z]
        if places:
            data["spatialCoverage"] = [{"@type": "AdministrativeArea", "name": name} for name in places]
        return data


def all_zones() -> list:
    """The zone by name, kept until the content changes (a region-wide practice lists them all)."""
    from cms.models.taxonomy import Zona
    from portal import content_version

    return content_version.memo("cms:zones-by-name", lambda: list(Zona.objects.order_by("name")))


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

