"""The member's form: one question, bounded in length (it is read by people and shown under the practice)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from questions.models import QUESTION_MAX_LENGTH, PracticeQuestion


class QuestionForm(forms.ModelForm):
    class Meta:
        model = PracticeQuestion
        fields = ["question"]
        labels = {"question": _("La tua domanda")}
        help_texts = {"question": _("Chi conosce la pratica risponde dopo la moderazione; domanda e risposta sono "
                                    "visibili agli operatori registrati, senza il tuo nome né il tuo indirizzo. "
                                    "Es. «Ogni quanto si riunisce l'équipe?»")}
        widgets = {"question": forms.Textarea(attrs={"rows": 4, "maxlength": QUESTION_MAX_LENGTH})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["question"]
        field.widget.attrs.update({"class": "form-control", "aria-describedby": "question-help"})

    def clean_question(self):
        text = self.cleaned_data["question"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("Scrivi la domanda per intero (almeno 10 caratteri)."))
        return text
