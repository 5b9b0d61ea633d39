"""One row per (edition, subscriber): the ledger that makes sending restartable."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """Whether one subscriber got one edition. ``pending`` rows are what is left to send."""

    class Status(models.TextChoices):
        PENDING = "pending", _("da inviare")
        SENT = "sent", _("inviato")
        FAILED = "failed", _("fallito")
        BOUNCED = "bounced", _("rimbalzato")
        SKIPPED = "skipped", _("saltato")

    edition = models.ForeignKey("newsletter.Edition", on_delete=models.CASCADE, related_name="deliveries")
    # SET_NULL: erasing a subscriber leaves an anonymous row, so counts survive.
    subscriber = models.ForeignKey(
        "newsletter.Subscriber", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    segment_key = models.CharField(_("segmento"), max_length=64)
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    next_attempt_at = models.DateTimeField(_("prossimo tentativo"), null=True, blank=True)
    last_error = models.CharField(_("ultimo errore"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invio")
        verbose_name_plural = _("invii")
        constraints = [
            models.UniqueConstraint(fields=["edition", "subscriber"], name="newsletter_delivery_once"),
        ]
        indexes = [models.Index(fields=["edition", "status", "next_attempt_at"], name="newsletter_delivery_todo")]

    def __str__(self):
        return f"{self.edition_id}/{self.subscriber_id}: {self.status}"


class SegmentRender(models.Model):
    """An edition rendered once for one set of preferences; every subscriber of the segment shares it.

    Personal links are placeholders here and are filled in per message. It is also the copy kept
    as sent: the items (title, URL, section, ...) as they were when the segment was rendered, and,
    once the send completes, its date and counts. The public archive and its feed read the general
    segment's copy, so unpublishing or editing a page later does not rewrite a sent edition.
    """

    edition = models.ForeignKey("newsletter.Edition", on_delete=models.CASCADE, related_name="renders")
    key = models.CharField(max_length=64)
    zone_ids = models.JSONField(default=list)
    topic_ids = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    html = models.TextField()
    text = models.TextField()
    items_count = models.PositiveIntegerField(default=0)
    is_partial = models.BooleanField(default=False)
    # None: rendered before copies were kept (the archive then falls back to the live pages).
    items = models.JSONField(_("elementi inviati"), null=True, blank=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(_("destinatari"), default=0)
    sent_count = models.PositiveIntegerField(_("inviati"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="newsletter_render_once")]

    def __str__(self):
        return f"{self.edition_id}/{self.key}"


class EditionLink(models.Model):
    """A link of an edition and how many times it was followed: an aggregate, nobody's identity.

    The mails carry ``/newsletter/link/<id>/`` instead of the URL when the edition counts clicks;
    the redirect adds one to ``clicks`` and sends the reader to ``url``. Only URLs stored here
    (the edition's own items) can be reached that way: no open redirect.
    """

    edition = models.ForeignKey("newsletter.Edition", on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("indirizzo"), max_length=2000)
    clicks = models.PositiveIntegerField(_("clic"), default=0)

    class Meta:
        verbose_name = _("link dell'edizione")
        verbose_name_plural = _("link dell'edizione")
        constraints = [models.UniqueConstraint(fields=["edition", "url"], name="newsletter_link_once")]

    def __str__(self):
        return self.url
