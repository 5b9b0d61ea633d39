"""A member's profile: who they are in the community (ente, role, Zona, interests)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfessionalRole(models.TextChoices):
    SOCIAL_WORKER = "assistente_sociale", _("Assistente sociale")
    EDUCATOR = "educatore", _("Educatore/educatrice")
    EMPLOYMENT_CENTRE = "operatore_cpi", _("Operatore Centro per l'impiego")
    PSYCHOLOGIST = "psicologo", _("Psicologo/psicologa")
    ADMINISTRATIVE = "amministrativo", _("Amministrativo")
    THIRD_SECTOR = "ets", _("Ente del Terzo settore")
    OTHER = "altro", _("Altro")


class Profile(models.Model):
    """One per user (``user.profile``), created with the user; deleted with it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("utente")
    )
    organisation = models.CharField(
        _("ente di appartenenza"), max_length=200, blank=True, help_text=_("Comune, SdS, Azienda USL, CPI, ente del Terzo settore…")
    )
    professional_role = models.CharField(_("ruolo professionale"), max_length=30, choices=ProfessionalRole.choices, blank=True)
    zona = models.ForeignKey(
        "cms.Zona", null=True, blank=True, on_delete=models.SET_NULL, related_name="member_profiles",
        verbose_name=_("zona distretto"), help_text=_("La zona in cui lavori; per i Referenti di Zona, quella di cui curano le pratiche."),
    )
    topics = models.ManyToManyField("cms.Topic", blank=True, related_name="member_profiles", verbose_name=_("aree tematiche di interesse"))
    privacy_accepted_at = models.DateTimeField(_("informativa privacy accettata il"), null=True, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("profilo")
        verbose_name_plural = _("profili")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def for_user(cls, user) -> "Profile":
        """The user's profile, created if missing (users made before this app existed)."""
        try:
            return user.profile
        except cls.DoesNotExist:
            profile, _created = cls.objects.get_or_create(user=user)
            return profile
