"""Seminari: date, format, speakers, programme and materials."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
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
from cms.events import Occurrence
from cms.models.base import ContentPage
from cms.models.declarations import FeedDeclaration, NewsletterDeclaration
from cms.models.blocks import MaterialsBlock, document_ids


class EventFormat(models.TextChoices):
    IN_PRESENZA = "in_presenza", _("in presenza")
    ONLINE = "online", _("online")
    MISTO = "misto", _("misto")


class SeminarPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.SeminarPage", related_name="tagged_items", on_delete=models.CASCADE)


class SeminarPage(ContentPage):
    """A seminar of the community, for all the Zone, with experts and testimonies."""

    content_kind = "seminar"
    site_order = 10

    zona_field = "zones"
    jsonld_type = "Event"
    newsletter = NewsletterDeclaration("seminari", "Seminario", announced_as_event=True)
    feed = FeedDeclaration("seminari", _("Seminari"), ordering=("-start",), aliases=("seminars",))
    search_prefetch = ("topics", "zones", "related_norms", "tags", "speakers")

    start = models.DateTimeField(_("inizio"))
    end = models.DateTimeField(_("fine"), null=True, blank=True)
    format = models.CharField(_("modalità"), max_length=20, choices=EventFormat.choices, default=EventFormat.ONLINE)
    place = models.CharField(_("luogo"), max_length=250, blank=True, help_text=_("Sede e indirizzo, per gli incontri in presenza."))
    online_link = models.URLField(_("collegamento online"), blank=True, help_text=_("Link alla stanza virtuale o alla diretta."))
    programme = RichTextField(_("programma"), blank=True, features=["bold", "italic", "link", "ul", "ol", "h3", "h4"])
    body = RichTextField(_("presentazione"), blank=True, features=["bold", "italic", "link", "ul", "ol", "h3", "h4", "document-link"])
    zones = ParentalManyToManyField("cms.Zona", blank=True, verbose_name=_("zone coinvolte"))
    related_norms = ParentalManyToManyField("cms.NormPage", blank=True, verbose_name=_("norme collegate"))
    materials = StreamField(MaterialsBlock(), blank=True, verbose_name=_("materiali"))
    recording_url = models.URLField(_("registrazione"), blank=True, help_text=_("Collegamento alla registrazione dell'incontro."))
    # Owned by the accounts concern (registrations, members-only materials): see portal/accounts.
    capacity = models.PositiveIntegerField(
        _("posti disponibili"), null=True, blank=True,
        help_text=_("Vuoto: nessuna iscrizione online. Oltre i posti, le iscrizioni vanno in lista d'attesa."),
    )
    members_only_materials = models.BooleanField(
        _("materiali riservati agli operatori"), default=False,
        help_text=_("Materiali e registrazione visibili solo agli iscritti con email verificata."),
    )
    tags = ClusterTaggableManager(through=SeminarPageTag, blank=True, verbose_name=_("etichette"))

    content_panels = ContentPage.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("format"),
             FieldPanel("place"), FieldPanel("online_link"), FieldPanel("capacity")],
            heading=_("Quando e dove"),
        ),
        FieldPanel("body"),
        FieldPanel("programme"),
    ]
    speakers_panels = [InlinePanel("speakers", label=_("relatore"), heading=_("Relatori e testimonianze"))]
    materials_panels = [FieldPanel("materials"), FieldPanel("recording_url"), FieldPanel("members_only_materials")]
    taxonomy_panels = [AutocompletePanel("zones"), AutocompletePanel("topics"), AutocompletePanel("related_norms"), FieldPanel("tags")]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Seminario")),
        ObjectList(speakers_panels, heading=_("Relatori")),
        ObjectList(materials_panels, heading=_("Materiali")),
        ObjectList(taxonomy_panels, heading=_("Classificazione")),
        ObjectList(ContentPage.promote_panels, heading=_("Promozione")),
        ObjectList(ContentPage.settings_panels, heading=_("Impostazioni")),
    ])

    search_fields = ContentPage.search_fields + [
        index.SearchField("body"), index.SearchField("programme"), index.SearchField("place"),
        index.FilterField("start"), index.FilterField("format"),
    ]
    parent_page_types = ["cms.SeminarIndexPage"]
    api_fields = [APIField("summary"), APIField("start"), APIField("end"), APIField("format"), APIField("place"), APIField("programme")]
    subpage_types: list = []

    class Meta:
        verbose_name = _("seminario")
        verbose_name_plural = _("seminari")
        indexes = [models.Index(fields=["-start"], name="cms_seminar_start_desc")]  # the listing's order

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("La fine non può precedere l'inizio.")})

    @property
    def is_upcoming(self) -> bool:
        reference = self.end or self.start
        return bool(reference and reference >= timezone.now())

    def listing_meta(self) -> list[str]:
        meta = [formats.date_format(timezone.localtime(self.start), "DATETIME_FORMAT"), self.get_format_display()]
        meta += [z.name for z in self.zones.all()]
        return meta

    def speakers_by_kind(self):
        groups = {}
        for speaker in self.speakers.all():
            groups.setdefault(speaker.get_kind_display(), []).append(speaker)
        return groups

    def main_date(self):
        return timezone.localtime(self.start).date() if self.start else super().main_date()

    def event_occurrences(self) -> list[Occurrence]:
        """Once, from start to end."""
        return [Occurrence(self.start, self.end, self.place, self)] if self.start else []

    def body_text(self) -> str:
        speakers = " ".join(f"{s.name} {s.role} {s.organisation}" for s in self.speakers.all())
        materials = None if self.members_only_materials else self.materials
        return self.plain(self.body, self.programme, materials, speakers)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["can_see_materials"] = not self.members_only_materials or _is_member(request.user)
        return context

    def payload_zones(self):
        return self.zones.all()

    def attachment_ids(self) -> list[int]:
        return [] if self.members_only_materials else document_ids(self.materials)

    def payload_upcoming(self):
        return self.is_upcoming

    def structured_data(self, request=None) -> dict:
        """An Event with its dates, attendance mode, place and link, and the speakers as performers."""
        data = seo.described(self, self.jsonld_type, request)
        data.update({
            "startDate": timezone.localtime(self.start).isoformat(),
            "eventAttendanceMode": seo.ATTENDANCE.get(self.format, seo.ATTENDANCE["online"]),
            "eventStatus": "https://schema.org/EventScheduled",
            "organizer": seo.publisher(),
            "inLanguage": "it",
        })
        if self.end:
            data["endDate"] = timezone.localtime(self.end).isoformat()
        locations = []
        if self.place:
            locations.append({"@type": "Place", "name": self.place, "address": self.place})
        if self.online_link:
            locations.append({"@type": "VirtualLocation", "url": self.online_link})
        if locations:
            data["location"] = locations if len(locations) > 1 else locations[0]
        performers = [{"@type": "PerformingGroup", "name": s.name} for s in self.speakers.all()]
        if performers:
            data["performer"] = performers
        return data


def _is_member(user) -> bool:
    """A verified member (accounts app), or at least a logged-in user when that app is absent."""
    try:
        from portal.membership import is_verified_member
    except ImportError:
        return bool(user and user.is_authenticated)
    return is_verified_member(user)


class SeminarSpeaker(Orderable):
    """A speaker: an expert, a testimony from a territory or an external contribution."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("esperto")
        TERRITORY = "territory", _("testimonianza dal territorio")
        EXTERNAL = "external", _("contributo esterno")

    page = ParentalKey(SeminarPage, related_name="speakers", on_delete=models.CASCADE)
    name = models.CharField(_("nome"), max_length=200)
    role = models.CharField(_("ruolo"), max_length=200, blank=True)
    organisation = models.CharField(_("ente od organizzazione"), max_length=250, blank=True)
    kind = models.CharField(_("tipo di intervento"), max_length=20, choices=Kind.choices, default=Kind.EXPERT)
    contribution = models.CharField(_("titolo dell'intervento"), max_length=250, blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("organisation"), FieldPanel("kind"), FieldPanel("contribution")]

    class Meta(Orderable.Meta):
        verbose_name = _("relatore")
        verbose_name_plural = _("relatori")

    def __str__(self):
        return self.name
