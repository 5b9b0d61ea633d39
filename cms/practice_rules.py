"""The terms of a good practice that its page model and its admin form both speak.

cms.models.practices imports the admin form (``base_form_class``), so what the form checks
against sits here, below both: the evaluation levels and criteria (the EU Best Practice Portal's)
and the message of the rule that the main zona is not listed again among the other zones, which
the model's ``clean()`` and the form's both apply.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationLevel(models.TextChoices):
    DA_VALUTARE = "da_valutare", _("da valutare")
    EMERGENTE = "emergente", _("pratica emergente")
    PROMETTENTE = "promettente", _("pratica promettente")
    BUONA_PRATICA = "buona_pratica", _("buona pratica")


class Criterion(models.TextChoices):
    TRASFERIBILITA = "trasferibilita", _("trasferibilità")
    SOSTENIBILITA = "sostenibilita", _("sostenibilità")
    INNOVATIVITA = "innovativita", _("innovatività")
    MISURABILITA = "misurabilita", _("misurabilità")
    PARTECIPAZIONE = "partecipazione", _("partecipazione")


def repeated_zona_message(zona) -> str:
    return _("«%(zona)s» è già la zona principale della pratica: tra le altre zone indica solo le zone in più.") % {
        "zona": zona.name}
