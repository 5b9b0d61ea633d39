"""Admin forms of page types that need checks across fields, inlines or users."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm


REQUIRED_ON_SAVE_ATTR = "data-cdp-required-on-save"


def _apply_help_texts(form):
    """The help of cms/help_texts.py under every field of the form and of its inline forms."""
    from cms import help_texts

    help_texts.apply(form, form._meta.model)
    for formset in getattr(form, "formsets", {}).values():
        # on the inline form class too: Wagtail builds a fresh empty form for each "add" button
        for name, field in formset.form.base_fields.items():
            text = help_texts.help_for(formset.model, name)
            if text is not None:
                field.help_text = text
        for child in formset.forms:
            help_texts.apply(child, formset.model)


class CmsSnippetForm(WagtailAdminModelForm):
    """The admin form of the taxonomies (zones, topics), with the help of cms/help_texts.py."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _apply_help_texts(self)


class CmsPageForm(WagtailAdminPageForm):
    """The admin form of every page type of the portal.

    Saving a draft (and Wagtail's autosave, which saves drafts while the editor types) defers the
    "required" checks of the form fields; this form tells the page so that the page's own
    ``clean()`` defers its "must be filled in" checks too (``ContentPage.deferring_required``):
    they belong to publishing, not to a half-typed new page. The fields that cannot be deferred
    (the title, numbers and dates the database needs) carry ``data-cdp-required-on-save``: the
    admin script autosave-when-ready.js pauses autosave until they are filled in, so a new page
    never warns of validation errors while it is being typed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _apply_help_texts(self)
        deferrable = set(self._meta.defer_required_on_fields or ())
        for name, field in self.fields.items():
            if field.required and name not in deferrable:
                field.widget.attrs[REQUIRED_ON_SAVE_ATTR] = "true"

    def _post_clean(self):
        self.instance._deferring_required = self.is_deferred_validation
        super()._post_clean()


class PracticeAdminForm(CmsPageForm):
    """A Referente di Zona can only pick their own zona, and leaves the evaluation to the moderators."""

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
        if "evaluation_level" in self.fields and is_zona_restricted(self.for_user):
            # "da valutare" until a moderator sets it: the Referente sees it, cannot change it
            self.fields["evaluation_level"].disabled = True
            self.fields["evaluation_level"].help_text = _(
                "Il livello di valutazione lo assegna la moderazione quando approva la pratica.")


class NormAdminForm(CmsPageForm):
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
