"""The search app's own tables: the indexing outbox, its write clock and the editors' synonym rules."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from search.engine.synonym_rules import SynonymSyntaxError, file_rules, normalise_rule


class OutboxEntry(models.Model):
    """One page whose state must reach the index, written in the transaction that changed it.

    The row only names the page: whoever applies it reads the page's current state, so
    applying a row twice, or an old row after a newer one, is harmless. A row stays pending
    (``processed_at`` empty, ``attempts`` counting) until the index has accepted the page.
    """

    class Action(models.TextChoices):
        UPSERT = "upsert", _("aggiorna")
        DELETE = "delete", _("elimina")

    page_id = models.BigIntegerField(_("pagina"), db_index=True)
    action = models.CharField(_("azione"), max_length=10, choices=Action.choices, default=Action.UPSERT)
    reason = models.CharField(_("motivo"), max_length=40, blank=True)
    created = models.DateTimeField(_("creata"), auto_now_add=True)
    processed_at = models.DateTimeField(_("applicata"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("tentativi"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    # The external version the page's document was written with (IndexWriteClock) when the
    # row was applied: the document's _version in the index, unless a later write replaced it.
    index_version = models.BigIntegerField(_("versione nell'indice"), null=True, blank=True)

    class Meta:
        verbose_name = _("modifica da indicizzare")
        verbose_name_plural = _("modifiche da indicizzare")
        indexes = [
            models.Index(fields=["id"], condition=models.Q(processed_at__isnull=True), name="search_outbox_pending"),
            models.Index(fields=["processed_at"], name="search_outbox_processed"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} #{self.page_id} ({self.reason})"


class IndexWriteClock(models.Model):
    """One row: the last external version given to a write of the content index.

    Every write of a document carries a version from here (``search.indexing.outbox.next_version``,
    taken under the applier lock), so Elasticsearch refuses a write carried out twice (a bulk
    request retried on another node) and an older write arriving after a newer one. The value
    is at least the microsecond clock: above the small internal versions of documents written
    before versions were external.
    """

    value = models.BigIntegerField(_("ultima versione"), default=0)

    class Meta:
        verbose_name = _("orologio delle scritture nell'indice")
        verbose_name_plural = _("orologio delle scritture nell'indice")

    def __str__(self):
        return str(self.value)


class SynonymRule(models.Model):
    """A synonym rule added by the editors, on top of search/data/synonyms.txt."""

    terms = models.CharField(
        _("regola"),
        max_length=500,
        help_text=_(
            "Termini equivalenti separati da virgole (es. «CPI, Centro per l'Impiego»), oppure "
            "«a, b => c» per cercare a e b come c. Ha effetto sulle ricerche entro pochi secondi."
        ),
    )
    enabled = models.BooleanField(_("attiva"), default=True)
    note = models.CharField(_("nota"), max_length=250, blank=True)
    updated_at = models.DateTimeField(_("modificata"), auto_now=True)

    panels = [FieldPanel("terms"), FieldPanel("enabled"), FieldPanel("note")]

    class Meta:
        ordering = ["terms"]
        verbose_name = _("sinonimo di ricerca")
        verbose_name_plural = _("sinonimi di ricerca")

    def __str__(self):
        return self.terms

    @classmethod
    def all_rules(cls) -> list[tuple[str, str]]:
        """(id, rule) for the data file and the enabled rules of the admin, without duplicates:
        what Elasticsearch's synonym filter holds and what the database search expands."""
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for number, rule in enumerate(file_rules(), start=1):
            if rule.lower() not in seen:
                seen.add(rule.lower())
                out.append((f"file-{number}", rule))
        for rule in cls.objects.filter(enabled=True).order_by("pk"):
            try:
                text = normalise_rule(rule.terms)
            except SynonymSyntaxError:
                continue
            if text.lower() not in seen:
                seen.add(text.lower())
                out.append((f"rule-{rule.pk}", text))
        return out

    def clean(self):
        try:
            self.terms = normalise_rule(self.terms)
        except SynonymSyntaxError as exc:
            raise ValidationError({"terms": str(exc)}) from None
