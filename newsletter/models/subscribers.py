"""Who receives the newsletter, what they agreed to, and which addresses must never be mailed."""
from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def email_hash(email: str) -> str:
    """A stable pseudonym of an address: suppression survives the erasure of the subscriber."""
    normalized = (email or "").strip().lower()
    return hashlib.sha256(f"newsletter-address:{normalized}".encode()).hexdigest()


class Subscriber(models.Model):
    """One address. Empty topics/zones mean "everything"."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa di conferma")
        ACTIVE = "active", _("attivo")
        UNSUBSCRIBED = "unsubscribed", _("disiscritto")
        SUPPRESSED = "suppressed", _("bloccato (rimbalzo o segnalazione)")

    email = models.EmailField(_("email"), max_length=254)
    name = models.CharField(_("nome"), max_length=150, blank=True)
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.PENDING)
    key = models.UUIDField(
        _("chiave"), default=uuid.uuid4, unique=True, editable=False,
        help_text=_("Soggetto dei link firmati (conferma, preferenze, disiscrizione): non è l'id."),
    )
    topics = models.ManyToManyField(
        "cms.Topic", blank=True, related_name="+", verbose_name=_("aree tematiche di interesse"),
        help_text=_("Nessuna: tutte."),
    )
    zones = models.ManyToManyField(
        "cms.Zona", blank=True, related_name="+", verbose_name=_("zone di interesse"), help_text=_("Nessuna: tutte."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions", verbose_name=_("utente"),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confermato il"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("disiscritto il"), null=True, blank=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("iscritto")
        verbose_name_plural = _("iscritti")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="newsletter_sub_status_idx")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip()
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class ConsentRecord(models.Model):
    """Proof of consent (or of its withdrawal): which privacy text, when, through which form."""

    class Action(models.TextChoices):
        GIVEN = "given", _("consenso dato")
        CONFIRMED = "confirmed", _("indirizzo confermato")
        WITHDRAWN = "withdrawn", _("consenso revocato")

    class Source(models.TextChoices):
        FORM = "subscription_form", _("modulo di iscrizione")
        MEMBER = "member_one_click", _("iscrizione dall'area riservata")
        CONFIRM_LINK = "confirm_link", _("link di conferma")
        PREFERENCES = "preferences", _("pagina preferenze")
        UNSUBSCRIBE = "unsubscribe", _("disiscrizione")
        ONE_CLICK = "list_unsubscribe", _("disiscrizione con un clic (client di posta)")
        MAILTO = "list_unsubscribe_mailto", _("disiscrizione via email (mailto)")
        BOUNCE = "bounce", _("rimbalzo o segnalazione")
        ADMIN = "admin", _("inserito dalla redazione")
        IMPORT = "csv_import", _("importazione CSV")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices)
    source = models.CharField(_("origine"), max_length=30, choices=Source.choices)
    privacy_version = models.CharField(_("versione informativa"), max_length=20, blank=True)
    ip_hash = models.CharField(_("hash IP"), max_length=64, blank=True)
    detail = models.CharField(
        _("dettaglio dell'origine"), max_length=200, blank=True,
        help_text=_("Per le importazioni: dove e come è stato raccolto il consenso."),
    )
    created_at = models.DateTimeField(_("data"), auto_now_add=True)

    class Meta:
        verbose_name = _("registrazione del consenso")
        verbose_name_plural = _("registrazioni del consenso")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class SuppressedAddress(models.Model):
    """An address that must not be mailed (hard bounce, complaint). Kept as a hash only."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("rimbalzo permanente")
        COMPLAINT = "complaint", _("segnalazione di spam")
        SOFT_BOUNCES = "soft_bounces", _("rimbalzi temporanei ripetuti")
        MANUAL = "manual", _("inserito dalla redazione")

    email_hash = models.CharField(_("hash indirizzo"), max_length=64, unique=True)
    reason = models.CharField(_("motivo"), max_length=20, choices=Reason.choices)
    # While the subscriber exists the office sees whose address it is; erasure leaves the hash only.
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("iscritto"),
    )
    created_at = models.DateTimeField(_("data"), auto_now_add=True)

    class Meta:
        verbose_name = _("indirizzo bloccato")
        verbose_name_plural = _("indirizzi bloccati")

    def __str__(self):
        return f"{self.email_hash[:12]}… ({self.get_reason_display()})"


class BounceRecord(models.Model):
    """A bounce or complaint as reported by the SMTP server, the command or the endpoint."""

    class Kind(models.TextChoices):
        HARD = "hard", _("permanente")
        SOFT = "soft", _("temporaneo")
        COMPLAINT = "complaint", _("segnalazione")

    email_hash = models.CharField(_("hash indirizzo"), max_length=64, db_index=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces", verbose_name=_("iscritto"),
    )
    detail = models.CharField(_("dettaglio"), max_length=300, blank=True)
    edition = models.ForeignKey(
        "newsletter.Edition", null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )
    # sha256 of the report's Message-ID: a report read twice is counted once.
    report_fingerprint = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(_("data"), auto_now_add=True)

    class Meta:
        verbose_name = _("rimbalzo")
        verbose_name_plural = _("rimbalzi")
        ordering = ["-created_at"]
