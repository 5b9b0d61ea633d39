from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert


class AlertForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Quanto spesso"), choices=Alert.Frequency.choices,
                                  initial=Alert.Frequency.WEEKLY, widget=forms.RadioSelect)


class VisitorAlertForm(AlertForm):
    email = forms.EmailField(label=_("Il tuo indirizzo e-mail"), max_length=254)
    consent = forms.BooleanField(
        label=_("Ho letto l'informativa sulla privacy e acconsento a ricevere questi avvisi."),
        error_messages={"required": _("Per ricevere gli avvisi serve il consenso al trattamento dell'indirizzo.")})
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # left empty by people, filled by bots


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frequenza"), choices=Alert.Frequency.choices)
