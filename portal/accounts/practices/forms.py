"""The steps of the proposal form. Labels and help texts come from PracticePage itself,
so the front-end form and the admin say the same thing."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.forms import ModelMultipleChoiceField


def _model_field(name):
    from cms.models import PracticePage

    return PracticePage._meta.get_field(name)


def mirror(name: str, form_class=forms.CharField, *, required=None, **kwargs):
    """A form field labelled like PracticePage.<name>; ``required`` defaults to the model's blank."""
    field = _model_field(name)
    kwargs.setdefault("label", capfirst(field.verbose_name))
    kwargs.setdefault("help_text", field.help_text)
    kwargs["required"] = (not field.blank) if required is None else required
    if form_class is forms.CharField and getattr(field, "max_length", None):
        kwargs.setdefault("max_length", field.max_length)
    return form_class(**kwargs)


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


def _choices(enum_name: str):
    import cms.models

    return getattr(cms.models, enum_name).choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PracticeStep(forms.Form):
    """1. La pratica: what, where, who runs it, when."""

    title = forms.CharField(label=_("Titolo della pratica"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.models import Topic, Zona

        self.fields["zona"] = mirror("zona", forms.ModelChoiceField, queryset=Zona.objects.order_by("name"),
                                     required=True, empty_label=_("Scegli la zona distretto"))
        self.fields["owner_body"] = mirror("owner_body")
        self.fields["summary"] = mirror("summary", widget=_textarea(3))
        self.fields["period_start"] = mirror("period_start", forms.DateField, widget=DateInput())
        self.fields["period_end"] = mirror("period_end", forms.DateField, widget=DateInput())
        self.fields["topics"] = ModelMultipleChoiceField(
            label=_("Aree tematiche"), queryset=Topic.objects.order_by("name"), required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("La fine non può precedere l'inizio."))
        return cleaned


class PeopleStep(forms.Form):
    """2. Destinatari, obiettivi e partner."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"] = mirror("target_groups", widget=_textarea(3))
        self.fields["objectives"] = mirror("objectives", widget=_textarea(), required=True)
        self.fields["partner_kinds"] = mirror("partner_kinds", forms.MultipleChoiceField,
                                              choices=_choices("PartnerKind"), widget=forms.CheckboxSelectMultiple)
        self.fields["partners"] = mirror("partners", widget=_textarea(3))


class MethodStep(forms.Form):
    """3. Metodo, équipe, strumenti, finanziamento."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"] = mirror("activities", widget=_textarea(6), required=True)
        self.fields["core_team"] = mirror("core_team", widget=_textarea(3))
        self.fields["extended_team"] = mirror("extended_team", widget=_textarea(3))
        self.fields["tools"] = mirror("tools", widget=_textarea(3))
        self.fields["data_protection"] = mirror("data_protection", widget=_textarea(3))
        self.fields["funding_sources"] = mirror("funding_sources", forms.MultipleChoiceField,
                                                choices=_choices("FundingSource"), widget=forms.CheckboxSelectMultiple)
        self.fields["funding_note"] = mirror("funding_note")


class ResultsStep(forms.Form):
    """4. Risultati e valutazione."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["results"] = mirror("results", widget=_textarea(5))
        self.fields["evaluation_level"] = mirror("evaluation_level", forms.ChoiceField,
                                                 choices=_choices("EvaluationLevel"), required=True,
                                                 initial="da_valutare")
        self.fields["criteria_met"] = mirror("criteria_met", forms.MultipleChoiceField,
                                             choices=_choices("Criterion"), widget=forms.CheckboxSelectMultiple)
        self.fields["lessons_learned"] = mirror("lessons_learned", widget=_textarea(4))


class ContactStep(forms.Form):
    """5. Un contatto di servizio (non di una persona) e gli allegati."""

    service = forms.CharField(label=_("Servizio da contattare"), max_length=250, required=False,
                              help_text=_("Es. Ufficio di piano della SdS. Indica servizi, non persone."))
    address = forms.CharField(label=_("Indirizzo"), max_length=250, required=False)
    email = forms.EmailField(label=_("Email del servizio"), required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=40, required=False)
    url = forms.URLField(label=_("Sito"), required=False, assume_scheme="https")

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(k) for k in ("address", "email", "phone", "url")) and not cleaned.get("service"):
            self.add_error("service", _("Indica il nome del servizio a cui si riferiscono i contatti."))
        return cleaned


# What a proposal may carry; whether each file is safe is portal.uploads' answer.
ATTACHMENT_EXTENSIONS = ("pdf", "odt", "ods", "docx", "xlsx", "png", "jpg", "jpeg")
MAX_ATTACHMENTS = 5


def practice_attachment_max_bytes() -> int:
    return getattr(settings, "PRACTICE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, ODT, ODS, DOCX, XLSX, PNG o JPG."))
    description = forms.CharField(label=_("Descrizione"), max_length=250, required=False)

    def clean_file(self):
        from portal.uploads import check_upload

        uploaded = self.cleaned_data["file"]
        self.safe_name = check_upload(uploaded, ATTACHMENT_EXTENSIONS, practice_attachment_max_bytes())
        return uploaded


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Confermo che le informazioni sono corrette, che posso condividerle e che i contatti indicati "
                "sono di servizi e non di singole persone."),
        error_messages={"required": _("Per inviare la proposta devi confermare.")},
    )


# (slug, title, form class): the order is the order of the steps; the last step is the review.
STEPS = [
    ("practice", _("La pratica"), PracticeStep),
    ("people", _("Destinatari e partner"), PeopleStep),
    ("method", _("Metodo ed équipe"), MethodStep),
    ("results", _("Risultati"), ResultsStep),
    ("contact", _("Contatti e allegati"), ContactStep),
]
REVIEW_STEP = len(STEPS) + 1


def step_form(number: int, data=None):
    slug, _title, form_class = STEPS[number - 1]
    return form_class(data=data, prefix=None)


def _storable(value: str) -> str:
    """PostgreSQL's jsonb cannot hold NUL (\\u0000): a draft with one would be a 500, not a saved draft."""
    return value.replace("\x00", "")


def raw_values(form, querydict) -> dict:
    """What the member typed for this step's fields, as JSON-able values (drafts keep even invalid input)."""
    values = {}
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.CheckboxSelectMultiple) or isinstance(field, forms.MultipleChoiceField):
            values[name] = [_storable(v) for v in querydict.getlist(name)]
        else:
            values[name] = _storable(querydict.get(name, ""))
    return values
