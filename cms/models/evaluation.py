"""The evidence of a practice's evaluation: per criterion met, why (issue #19, item 3).

The EU Best Practice Portal publishes, for each criterion a practice meets, the reason the
evaluators gave, with who evaluated and when. Here a justification is a row under the practice
(edited in the "Valutazione" tab), one per criterion; the practice keeps ``criteria_met`` as the
list of criteria it meets (the listing, the export and the API read it) and the admin form keeps
the two consistent (cms.admin_forms.PracticeAdminForm). Who evaluated and when are fields of the
practice (``evaluated_by``, ``evaluated_at``).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from cms.models.practices import Criterion, PracticePage


class PracticeCriterionEvidence(Orderable):
    """Why a practice meets one criterion, in a few sentences a colleague of another zona can check."""

    page = ParentalKey(PracticePage, related_name="criteria_evidence", on_delete=models.CASCADE)
    criterion = models.CharField(
        _("criterio"), max_length=20, choices=Criterion.choices,
        help_text=_("Il criterio che la pratica soddisfa, es. «trasferibilità»."))
    justification = models.TextField(
        _("motivazione"),
        help_text=_("Perché la pratica soddisfa il criterio, con i fatti verificati. Es. «Adottata dal Mugello nel "
                    "2024 con gli stessi strumenti e la stessa équipe minima»."))

    panels = [FieldPanel("criterion"), FieldPanel("justification")]

    class Meta(Orderable.Meta):
        verbose_name = _("motivazione di un criterio")
        verbose_name_plural = _("motivazioni dei criteri")
        # One per criterion is the admin form's rule (an Italian message), not a database constraint:
        # modelcluster saves the rows one by one, so two rows swapping their criteria in one edit
        # would break a unique index half-way and answer with an error page.

    def __str__(self):
        return self.get_criterion_display()
