"""Page ratings kept as counts: one row per page, month, stars and reason, with how many answered so.

Nothing about the person: no account, address, session, time of day or free text (the Designers
Italia model's optional comment is left out on purpose, since anyone could write personal data in it).
"""
from django.db import models
from django.db.models import F
from django.db.utils import IntegrityError
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    # for 4-5 stars: what helped
    CLEAR = "chiare", _("Le indicazioni erano chiare")
    COMPLETE = "complete", _("Le indicazioni erano complete")
    FOUND = "trovato", _("Ho trovato quello che cercavo")
    # for 1-3 stars: where it was hard
    UNCLEAR = "poco-chiare", _("A volte le indicazioni non erano chiare")
    INCOMPLETE = "incomplete", _("A volte le indicazioni non erano complete")
    NOT_FOUND = "non-trovato", _("Non ho trovato quello che cercavo")
    TECHNICAL = "problemi-tecnici", _("Ho avuto problemi tecnici")


POSITIVE_REASONS = (Reason.CLEAR, Reason.COMPLETE, Reason.FOUND)
NEGATIVE_REASONS = (Reason.UNCLEAR, Reason.INCOMPLETE, Reason.NOT_FOUND, Reason.TECHNICAL)
POSITIVE_FROM = 4  # 4 and 5 stars are a positive answer


class PageRating(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("pagina"))
    month = models.DateField(_("mese"), help_text=_("Il primo giorno del mese delle risposte."))
    stars = models.PositiveSmallIntegerField(_("valutazione"))
    reason = models.CharField(_("motivo"), max_length=20, choices=Reason.choices, blank=True)
    count = models.PositiveIntegerField(_("risposte"), default=0)

    class Meta:
        verbose_name = _("valutazione della pagina")
        verbose_name_plural = _("valutazioni delle pagine")
        constraints = [
            models.UniqueConstraint(fields=["page", "month", "stars", "reason"], name="feedback_one_row_per_answer"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="feedback_stars_1_to_5"),
        ]

    @classmethod
    def add(cls, page_id: int, month, stars: int, reason: str) -> None:
        """Count one answer (a single UPDATE; the row is created on the first answer of its kind)."""
        key = {"page_id": page_id, "month": month, "stars": stars, "reason": reason}
        if cls.objects.filter(**key).update(count=F("count") + 1):
            return
        try:
            cls.objects.create(count=1, **key)
        except IntegrityError:  # another answer created it meanwhile
            cls.objects.filter(**key).update(count=F("count") + 1)
