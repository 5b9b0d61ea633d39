"""A model field holding several values picked from a fixed list.

Stored as a JSON list so it works the same on SQLite and PostgreSQL; edited
in the admin as a group of checkboxes.
"""
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A list of choice values (e.g. funding sources) shown as checkboxes."""

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = [(value, str(label)) for value, label in self.item_choices]
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {choice for choice, _label in self.item_choices}
        if value is None:
            return
        if not isinstance(value, list):
            raise ValidationError(_("Valore non valido: è attesa una lista."), code="invalid")
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Valori non ammessi: %(values)s."), code="invalid_choice", params={"values": ", ".join(map(str, unknown))}
            )

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            widget=kwargs.get("widget") or forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )

    def labels(self, values):
        """The human labels of stored values, in the order of the choices."""
        mapping = dict(self.item_choices)
        return [mapping[v] for v, _l in self.item_choices if v in (values or [])]
