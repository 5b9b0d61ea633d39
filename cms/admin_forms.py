"""Admin forms of page types that need checks across fields, inlines or users."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class PracticeAdminForm(WagtailAdminPageForm):
    """A Referente di Zona can only pick their own zona."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.models import Zona
        from cms.permissions import is_zona_restricted, user_zona

        if "zona" in self.fields and is_zona_restricted(self.for_user):
            zona = user_zona(self.for_user)
            self.fields["zona"].queryset = Zona.objects.filter(pk=zona.pk) if zona else Zona.objects.none()
            self.fields["zona"].help_text = _("Come Referente di Zona puoi inserire pratiche solo della tua zona.")
            if zona is not None and not self.instance.zona_id:
                self.fields["zona"].initial = zona.pk


class NormAdminForm(WagtailAdminPageForm):
    """Refuse a relation of an act to itself."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("outgoing_relations")
        if formset is not None and self.instance.pk:
            for form in formset.forms:
                target = form.cleaned_data.get("target") if hasattr(form, "cleaned_data") else None
                if target is not None and target.pk == self.instance.pk and not form.cleaned_data.get("DELETE"):
                    form.add_error("target", ValidationError(_("Un atto non può essere in relazione con se stesso.")))
                    self.add_error(None, _("Un atto non può essere in relazione con se stesso."))
        return cleaned
