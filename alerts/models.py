"""A saved search (``Alert``) and what it found and not yet mailed (``AlertMatch``)."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Alert(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("ogni giorno")
        WEEKLY = "weekly", _("ogni settimana")

    key = models.UUIDField(_("chiave"), default=uuid.uuid4, unique=True, editable=False,
                           help_text=_("Soggetto dei link firmati (conferma, disiscrizione): non è l'id."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="search_alerts", verbose_name=_("utente"))
    email = models.EmailField(_("e-mail"))
    query = models.CharField(_("ricerca"), max_length=2000, blank=True,
                             help_text=_("Parole e filtri, come nell'indirizzo della pagina di ricerca."))
    frequency = models.CharField(_("frequenza"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    created = models.DateTimeField(_("creato"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confermato"), null=True, blank=True)
    checked_until = models.DateTimeField(
        _("controllato fino a"), null=True, blank=True,
        help_text=_("Ricerca sul database: i contenuti pubblicati fino a qui sono già stati confrontati."))
    last_sent_at = models.DateTimeField(_("ultimo invio"), null=True, blank=True)

    class Meta:
        verbose_name = _("avviso")
        verbose_name_plural = _("avvisi")
        ordering = ["-created"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self):
        return f"{self.email}: {self.query or '*'}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def for_member(self) -> bool:
        """Whether the recipient counts as a member now (a verified e-mail): members-only content may reach them."""
        from search.service import is_member

        return self.user_id is not None and is_member(self.user)


class AlertMatch(models.Model):
    """A page an alert found, in one published state; mailed once (``sent_at``)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="matches")
    page_id = models.IntegerField()
    published_at = models.DateTimeField(help_text=_("Lo stato della pagina trovato (ultima pubblicazione)."))
    found_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "page_id", "published_at"],
                                               name="alerts_match_once_per_publication")]
        indexes = [models.Index(fields=["alert", "sent_at"])]
