"""An adoption record: practice, adopting zona, since when, what changed, a contact, its moderation."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdoptionStatus(models.TextChoices):
    PENDING = "pending", _("da moderare")
    APPROVED = "approved", _("pubblicata")
    REJECTED = "rejected", _("non pubblicata")


class Adoption(models.Model):
    practice = models.ForeignKey("cms.PracticePage", on_delete=models.CASCADE, related_name="adoptions",
                                 verbose_name=_("buona pratica"))
    zona = models.ForeignKey("cms.Zona", on_delete=models.PROTECT, related_name="adoptions",
                             verbose_name=_("zona che l'ha adottata"))
    since = models.DateField(_("da quando"), help_text=_("Quando la zona ha iniziato ad applicarla. Es. 01/03/2025."))
    changes = models.TextField(
        _("che cosa è cambiato"), max_length=2000,
        help_text=_("Come la zona l'ha adattata. Es. «Lo sportello è aperto due giorni a settimana nei comuni montani»."),
    )
    contact = models.CharField(
        _("contatto"), max_length=250, blank=True,
        help_text=_("Un ufficio o un indirizzo di servizio per saperne di più (viene pubblicato). Es. «Ufficio di "
                    "piano, ufficiodipiano@sds.example.it»."),
    )
    status = models.CharField(_("stato"), max_length=10, choices=AdoptionStatus.choices, default=AdoptionStatus.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("segnalata da"))
    created_at = models.DateTimeField(_("segnalata il"), auto_now_add=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("moderata da"))
    moderated_at = models.DateTimeField(_("moderata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("adozione di una pratica")
        verbose_name_plural = _("adozioni delle pratiche")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "zona"], name="adoptions_one_record_per_practice_and_zona"),
        ]

    def __str__(self):
        return f"{self.practice.title} → {self.zona.name}"

    @property
    def is_approved(self) -> bool:
        return self.status == AdoptionStatus.APPROVED
