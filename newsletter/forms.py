"""Public forms of the newsletter (Italian labels, errors shown next to the fields)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import Topic, Zona
from portal.forms import ModelMultipleChoiceField


def _topics_field():
    return ModelMultipleChoiceField(
        queryset=Topic.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Aree tematiche di interesse"), help_text=_("Nessuna scelta: tutte."),
    )


def _zones_field():
    return ModelMultipleChoiceField(
        queryset=Zona.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Zone distretto di interesse"),
        help_text=_("Nessuna scelta: tutte. Con una o più zone ricevi le loro buone pratiche e i contenuti generali."),
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Indirizzo email"), max_length=254)
    name = forms.CharField(label=_("Nome (facoltativo)"), max_length=150, required=False)
    topics = _topics_field()
    zones = _zones_field()
    privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sul trattamento dei dati e acconsento a ricevere la newsletter."),
        error_messages={"required": _("Per iscriverti devi accettare l'informativa.")},
    )
    # Left empty by people; bots fill every field.
    website = forms.CharField(required=False, label=_("Non compilare questo campo"))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Richiesta non valida."))
        return ""


class PreferencesForm(forms.Form):
    name = forms.CharField(label=_("Nome"), max_length=150, required=False)
    topics = _topics_field()
    zones = _zones_field()


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Confermo: cancellate il mio indirizzo e i dati collegati."),
        error_messages={"required": _("Spunta la casella per confermare la cancellazione.")},
    )


class TestSendForm(forms.Form):
    """Admin: where to send a test copy of an edition."""

    addresses = forms.CharField(
        label=_("Indirizzi"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Uno o più indirizzi, separati da virgola o a capo (al massimo 10)."),
    )

    def clean_addresses(self):
        from django.core.validators import validate_email

        raw = self.cleaned_data["addresses"].replace(",", "\n").replace(";", "\n")
        addresses = [a.strip() for a in raw.splitlines() if a.strip()]
        if not addresses:
            raise forms.ValidationError(_("Indica almeno un indirizzo."))
        if len(addresses) > 10:
            raise forms.ValidationError(_("Al massimo 10 indirizzi per un invio di prova."))
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(_("Indirizzo non valido: %(address)s"), params={"address": address})
        return addresses


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Data e ora di invio"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )

    def clean_scheduled_at(self):
        from django.utils import timezone

        value = self.cleaned_data["scheduled_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Scegli un momento futuro (oppure usa «Invia ora»)."))
        return value
