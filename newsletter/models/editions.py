"""An edition of the bimonthly newsletter and the items it carries, section by section."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin

MONTHS_IT = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
    "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
)


class Section(models.TextChoices):
    """The sections of an edition, in the order they appear."""

    NORMATIVA = "normativa", _("Quadro normativo")
    PRATICHE = "pratiche", _("Buone pratiche dalle Zone")
    SEMINARI = "seminari", _("Seminari e laboratori")
    DATI = "dati", _("Dati")
    NOTIZIE = "notizie", _("Notizie")


SECTION_ORDER = [value for value, _label in Section.choices]


def window_label(start: datetime.date, end: datetime.date) -> str:
    """'gennaio/febbraio 2027', or 'dicembre 2026/gennaio 2027' across a year."""
    if start.year == end.year:
        return f"{MONTHS_IT[start.month - 1]}/{MONTHS_IT[end.month - 1]} {end.year}"
    return f"{MONTHS_IT[start.month - 1]} {start.year}/{MONTHS_IT[end.month - 1]} {end.year}"


def edition_title(number: int, start: datetime.date, end: datetime.date) -> str:
    return f"n. {number} - {window_label(start, end)}"


class Edition(RevisionMixin, ClusterableModel):
    """A two-month window of tagged content, arranged by editors and approved by a moderator.

    Wagtail revisions keep every saved version (the admin's edit view saves one each time) and
    Wagtail's log entries record each action (``edition_state`` logs the transitions).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("bozza")
        SUBMITTED = "submitted", _("in moderazione")
        APPROVED = "approved", _("approvata")
        SCHEDULED = "scheduled", _("programmata")
        SENDING = "sending", _("in invio")
        PAUSED = "paused", _("in pausa")
        SENT = "sent", _("inviata")
        CANCELLED = "cancelled", _("annullata")

    EDITABLE = {Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.SCHEDULED}
    SENDABLE = {Status.APPROVED, Status.SCHEDULED}

    number = models.PositiveIntegerField(_("numero"), unique=True)
    window_start = models.DateField(_("inizio periodo"))
    window_end = models.DateField(_("fine periodo"), help_text=_("Ultimo giorno compreso."))
    title = models.CharField(_("titolo"), max_length=200)
    editorial = RichTextField(
        _("editoriale"), blank=True, features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("Il testo di apertura scritto dalla redazione."),
    )
    preheader = models.CharField(
        _("anteprima nella casella di posta"), max_length=150, blank=True,
        help_text=_("La riga che i programmi di posta mostrano dopo l'oggetto. Vuota: l'inizio dell'editoriale."),
    )
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("invio programmato per"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("inviata in moderazione da"),
    )
    submitted_at = models.DateTimeField(_("inviata in moderazione il"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("approvata da"),
    )
    approved_at = models.DateTimeField(_("approvata il"), null=True, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)
    send_started_at = models.DateTimeField(_("invio iniziato il"), null=True, blank=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True, editable=False)
    editors_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Anonymous counters: they survive the erasure of subscribers.
    recipients_count = models.PositiveIntegerField(_("destinatari"), default=0)
    sent_count = models.PositiveIntegerField(_("inviati"), default=0)
    failed_count = models.PositiveIntegerField(_("falliti"), default=0)
    unsubscribed_count = models.PositiveIntegerField(
        _("disiscrizioni"), default=0, editable=False,
        help_text=_("Disiscrizioni di chi l'aveva ricevuta come ultima edizione: un conteggio, nessun nome."),
    )
    counts_clicks = models.BooleanField(
        _("conta i clic sui link"), default=False, editable=False,
        help_text=_("Deciso all'avvio dell'invio (NEWSLETTER_CLICK_COUNTING): i link passano da un rinvio anonimo."),
    )
    error_count = models.PositiveIntegerField(
        _("errori SMTP dall'ultima ripresa"), default=0, editable=False,
        help_text=_("Oltre la soglia l'invio si mette in pausa da solo."),
    )

    class Meta:
        verbose_name = _("edizione della newsletter")
        verbose_name_plural = _("edizioni della newsletter")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["window_start", "window_end"], name="newsletter_edition_window_unique"),
        ]
        permissions = [("approve_edition", _("Può approvare, inviare e programmare un'edizione"))]

    def __str__(self):
        return self.title

    def clean(self):
        if self.window_start and self.window_end and self.window_end < self.window_start:
            raise ValidationError({"window_end": _("La fine del periodo precede l'inizio.")})
        if self.window_start and self.window_end:
            other = Edition.objects.exclude(pk=self.pk).filter(
                window_start__lte=self.window_end, window_end__gte=self.window_start
            ).first()
            if other is not None:
                raise ValidationError({"window_start": _("Il periodo si sovrappone a quello dell'edizione %(title)s.")
                                       % {"title": other.title}})

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_public(self) -> bool:
        """Only sent editions appear in the public archive and feed."""
        return self.status == self.Status.SENT

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("newsletter:archive_detail", kwargs={"number": self.number})


class EditionItem(Orderable):
    """A page in an edition's section; title and summary can be rewritten for the newsletter."""

    edition = ParentalKey(Edition, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("sezione"), max_length=20, choices=Section.choices)
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("pagina"),
    )
    title_override = models.CharField(
        _("titolo nella newsletter"), max_length=255, blank=True, help_text=_("Vuoto: il titolo della pagina."),
    )
    summary_override = models.TextField(
        _("sommario nella newsletter"), blank=True, help_text=_("Vuoto: il sommario della pagina."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("elemento dell'edizione")
        verbose_name_plural = _("elementi dell'edizione")

    def __str__(self):
        return self.title_override or (self.page.title if self.page_id else "")

    def clean(self):
        from newsletter.content import page_is_mailable

        if self.page_id and not page_is_mailable(self.page):
            raise ValidationError(
                {"page": _("Solo pagine pubblicate e pubbliche possono entrare nella newsletter.")}
            )
