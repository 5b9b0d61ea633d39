"""The member's form: which zona adopted the practice, since when, what changed, a contact."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from adoptions.models import Adoption
from cms.models import Zona


class AdoptionForm(forms.ModelForm):
    class Meta:
        model = Adoption
        fields = ["zona", "since", "changes", "contact"]
        widgets = {
            "since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "changes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.fields["zona"].queryset = Zona.objects.exclude(pk=practice.zona_id).order_by("name")
        self.fields["zona"].empty_label = _("Scegli la zona")
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "zona" else "form-control"
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{name}-help"

    def clean_zona(self):
        zona = self.cleaned_data["zona"]
        if Adoption.objects.filter(practice=self.practice, zona=zona).exists():
            raise forms.ValidationError(_("Questa adozione è già stata segnalata: la redazione la sta verificando o è già pubblicata."))
        return zona
