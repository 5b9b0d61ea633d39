from django import forms
from django.utils.translation import gettext_lazy as _

from portal.feedback.models import NEGATIVE_REASONS, POSITIVE_FROM, POSITIVE_REASONS, Reason

STAR_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        choices=STAR_CHOICES, coerce=int, label=_("Quanto sono chiare le informazioni su questa pagina?"),
        error_messages={"required": _("Scegli da 1 a 5 stelle."), "invalid_choice": _("Scegli da 1 a 5 stelle.")},
    )
    reason = forms.ChoiceField(
        choices=[("", "")] + list(Reason.choices), required=False, label=_("Vuoi dirci perché?"),
        error_messages={"invalid_choice": _("Seleziona uno dei motivi proposti.")},
    )

    def clean(self):
        data = super().clean()
        stars, reason = data.get("stars"), data.get("reason")
        if stars and reason:
            allowed = POSITIVE_REASONS if stars >= POSITIVE_FROM else NEGATIVE_REASONS
            if reason not in allowed:
                self.add_error("reason", _("Seleziona uno dei motivi proposti per la valutazione che hai dato."))
        return data
