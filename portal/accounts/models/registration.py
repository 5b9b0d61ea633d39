"""Registrations of members to seminars: confirmed up to the seminar's capacity, then a waiting list."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confermata")
    WAITING = "waiting", _("in lista d'attesa")
    CANCELLED = "cancelled", _("annullata")


class Registration(models.Model):
    """One row per (seminar, member); cancelling keeps the row, registering again reuses it.

    Rows change only through ``portal.accounts.registrations`` (it holds the lock that
    makes the capacity hold under concurrent requests).
    """

    seminar = models.ForeignKey(
        "cms.SeminarPage", on_delete=models.CASCADE, related_name="registrations", verbose_name=_("seminario")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seminar_registrations", verbose_name=_("iscritto")
    )
    status = models.CharField(_("stato"), max_length=12, choices=RegistrationStatus.choices)
    queued_at = models.DateTimeField(_("in coda dal"), default=timezone.now, help_text=_("Ordine della lista d'attesa."))
    created_at = models.DateTimeField(_("iscritto il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)
    reminder_sent_at = models.DateTimeField(_("promemoria inviato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("iscrizione a un seminario")
        verbose_name_plural = _("iscrizioni ai seminari")
        ordering = ["seminar", "queued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["seminar", "user"], name="accounts_registration_once_per_seminar")]
        indexes = [models.Index(fields=["seminar", "status", "queued_at"], name="accounts_reg_queue")]
        permissions = [("export_registration", _("Può esportare gli iscritti ai seminari (CSV)"))]

    def __str__(self) -> str:
        return f"{self.user} → {self.seminar_id} ({self.status})"

    # columns of the admin listing and of the CSV export of attendees
    def user_email(self) -> str:
        return self.user.email

    user_email.short_description = _("email")

    def user_first_name(self) -> str:
        return self.user.first_name

    def user_last_name(self) -> str:
        return self.user.last_name

    def organisation(self) -> str:
        profile = getattr(self.user, "profile", None)
        return profile.organisation if profile else ""

    def seminar_start(self) -> str:
        from django.utils import timezone

        return timezone.localtime(self.seminar.start).strftime("%d/%m/%Y %H:%M")

    def status_label(self) -> str:
        return str(self.get_status_display())
