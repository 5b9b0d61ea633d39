"""Good practices proposed by members from the front end, until and after moderation."""
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage() -> FileSystemStorage:
    """Uploads waiting for moderation: on disk, outside MEDIA_ROOT, never served by URL."""
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "private" / "submissions", base_url=None)


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("bozza")
    IN_REVIEW = "in_review", _("in revisione")
    CHANGES_REQUESTED = "changes_requested", _("modifiche richieste")
    PUBLISHED = "published", _("pubblicata")
    WITHDRAWN = "withdrawn", _("ritirata")
    UNPUBLISHED = "unpublished", _("non più pubblicata")


class PracticeSubmission(models.Model):
    """A member's proposal: the form's data while a draft, then the PracticePage it became."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_submissions", verbose_name=_("proponente")
    )
    data = models.JSONField(_("dati del modulo"), default=dict, blank=True, help_text=_("I valori inseriti, passo per passo."))
    status = models.CharField(_("stato"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    page = models.ForeignKey(
        "cms.PracticePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("pagina")
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposta di buona pratica")
        verbose_name_plural = _("proposte di buone pratiche")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title or str(_("Proposta senza titolo"))

    @property
    def title(self) -> str:
        return (self.data.get("practice") or {}).get("title", "") if isinstance(self.data, dict) else ""

    @property
    def editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.CHANGES_REQUESTED)


class SubmissionAttachment(models.Model):
    """An uploaded file, checked (type, size, content) and kept privately until the practice is submitted."""

    submission = models.ForeignKey(PracticeSubmission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), storage=private_storage, upload_to="%Y/%m/")
    original_name = models.CharField(_("nome del file"), max_length=255)
    description = models.CharField(_("descrizione"), max_length=250, blank=True)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"))
    document = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("documento")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allegato della proposta")
        verbose_name_plural = _("allegati della proposta")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
