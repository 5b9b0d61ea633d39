"""Laboratori tematici: sessions, participating zones and services, structured findings."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.api import APIField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index
from wagtailautocomplete.edit_handlers import AutocompletePanel

from cms import seo
from cms.events import Occurrence, display_date
from cms.models.base import ContentPage
from cms.models.declarations import NewsletterDeclaration
from cms.models.blocks import FindingsBlock, MaterialsBlock, document_ids


class WorkshopPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.WorkshopPage", related_name="tagged_items", on_delete=models.CASCADE)


class WorkshopPage(ContentPage):
    """A laboratorio where operators of several services exchange experiences on a theme."""

    content_kind = "workshop"
    site_order = 20

    zona_field = "zones"
    jsonld_type = "Event"
    newsletter = NewsletterDeclaration("seminari", "Laboratorio", announced_as_event=True)
    feed = None  # no RSS/Atom feed (its dates are in the calendar with the seminars)
    search_prefetch = ("topics", "zones", "related_norms", "tags", "sessions")

    theme = models.CharField(_("tema"), max_length=250, help_text=_("La domanda o il tema su cui lavora il laboratorio."))
    body = RichTextField(_("presentazione"), blank=True, features=["bold", "italic", "link", "ul", "ol", "h3", "h4"])
    zones = ParentalManyToManyField("cms.Zona", blank=True, verbose_name=_("zone partecipanti"))
    services = models.TextField(_("servizi partecipanti"), blank=True, help_text=_("Un servizio per riga."))
    facilitators = models.TextField(_("facilitatori"), blank=True, help_text=_("Un nome per riga, con l'ente di appartenenza."))
    findings = StreamField(FindingsBlock(), blank=True, verbose_name=_("risultanze"))
    outputs = RichTextField(_("prodotti"), blank=True, help_text=_("Cosa ha prodotto il laboratorio: schede, linee guida, proposte."))
    materials = StreamField(MaterialsBlock(), blank=True, verbose_name=_("materiali"))
    related_norms = ParentalManyToManyField("cms.NormPage", blank=True, verbose_name=_("norme collegate"))
    tags = ClusterTaggableManager(through=WorkshopPageTag, blank=True, verbose_name=_("etichette"))

    content_panels = ContentPage.content_panels + [
        FieldPanel("summary"), FieldPanel("theme"), FieldPanel("body"),
        FieldPanel("services"), FieldPanel("facilitators"),
    ]
    sessions_panels = [InlinePanel("sessions", label=_("sessione"), heading=_("Sessioni"))]
    results_panels = [FieldPanel("findings"), FieldPanel("outputs"), FieldPanel("materials")]
    taxonomy_panels = [AutocompletePanel("zones"), AutocompletePanel("topics"), AutocompletePanel("related_norms"), FieldPanel("tags")]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Laboratorio")),
        ObjectList(sessions_panels, heading=_("Sessioni")),
        ObjectList(results_panels, heading=_("Risultati")),
        ObjectList(taxonomy_panels, heading=_("Classificazione")),
        ObjectList(ContentPage.promote_panels, heading=_("Promozione")),
        ObjectList(ContentPage.settings_panels, heading=_("Impostazioni")),
    ])

    search_fields = ContentPage.search_fields + [
        index.SearchField("theme"), index.SearchField("body"), index.SearchField("outputs"),
        index.SearchField("services"),
    ]
    parent_page_types = ["cms.WorkshopIndexPage"]
    api_fields = [APIField("summary"), APIField("theme"), APIField("services"), APIField("facilitators"), APIField("findings"), APIField("outputs")]
    subpage_types: list = []

    class Meta:
        verbose_name = _("laboratorio tematico")
        verbose_name_plural = _("laboratori tematici")

    def ordered_sessions(self):
        return sorted(self.sessions.all(), key=lambda s: s.start)

    @property
    def first_session(self):
        sessions = self.ordered_sessions()
        return sessions[0] if sessions else None

    @property
    def is_upcoming(self) -> bool:
        now = timezone.now()
        return any((s.end or s.start) >= now for s in self.sessions.all())

    def listing_meta(self) -> list[str]:
        meta = []
        when = display_date(self)  # the next session, not the first (issue #17)
        if when:
            meta.append(formats.date_format(when, "DATE_FORMAT"))
        meta += [z.name for z in self.zones.all()]
        return meta

    def event_occurrences(self) -> list[Occurrence]:
        """At each of its sessions."""
        return [Occurrence(s.start, s.end, s.place, self) for s in self.sessions.all()]

    def main_date(self):
        first = self.first_session
        return timezone.localtime(first.start).date() if first else super().main_date()

    def body_text(self) -> str:
        return self.plain(self.theme, self.body, self.services, self.facilitators, self.findings, self.outputs, self.materials)

    def payload_zones(self):
        return self.zones.all()

    def attachment_ids(self) -> list[int]:
        return document_ids(self.materials)

    def payload_upcoming(self):
        return self.is_upcoming

    def structured_data(self, request=None) -> dict:
        """An Event dated by its next session (the first when all are past), as the listing shows it."""
        data = seo.described(self, self.jsonld_type, request)
        data.update({"organizer": seo.publisher(), "inLanguage": "it"})
        when = display_date(self)
        if when:
            data["startDate"] = when.isoformat()
        return data


class WorkshopSession(Orderable):
    page = ParentalKey(WorkshopPage, related_name="sessions", on_delete=models.CASCADE)
    start = models.DateTimeField(_("inizio"))
    end = models.DateTimeField(_("fine"), null=True, blank=True)
    place = models.CharField(_("luogo"), max_length=250, blank=True)
    note = models.CharField(_("nota"), max_length=250, blank=True)

    panels = [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("place"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("sessione")
        verbose_name_plural = _("sessioni")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("La fine non può precedere l'inizio.")})
