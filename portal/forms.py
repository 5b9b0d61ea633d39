"""Form fields shared by the apps."""
from django import forms


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id beyond the database's integer range is an invalid choice.

    SQLite raises OverflowError for an ``__in`` lookup with such a number, which a
    crafted POST would turn into a 500; PostgreSQL already answers with no match.
    """

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": "…"},
            ) from None
