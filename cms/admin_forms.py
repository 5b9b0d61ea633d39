"""Admin forms of page types that need checks across fields, inlines or users."""
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import InlinePanel

from cms.practice_rules import Criterion, EvaluationLevel, repeated_zona_message
from cms.zona_limit import is_zona_restricted, user_zona


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


class UnchangedWhenAbsentFormSet(BaseChildFormSet):
    """An inline formset that leaves its rows as they are when the request carries none of its fields.

    The admin always posts the formset; a form posted by a script, or by a test that does not
    know the formset, would otherwise be refused ("ManagementForm data is missing"). Absent means
    zero forms: nothing added, changed or deleted (modelcluster removes only the rows it is told to).
    """

    @property
    def management_form(self):
        if self.is_bound and self.add_prefix(TOTAL_FORM_COUNT) not in self.data:
            form = ManagementForm({self.add_prefix(TOTAL_FORM_COUNT): 0, self.add_prefix(INITIAL_FORM_COUNT): 0},
                                  auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer)
            form.full_clean()
            return form
        return super().management_form


class EvidencePanel(InlinePanel):
    """The justifications of the criteria (cms.models.evaluation), with :class:`UnchangedWhenAbsentFormSet`."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = UnchangedWhenAbsentFormSet
        return options


def evidence_panel():
    return EvidencePanel("criteria_evidence", label=_("motivazione"), heading=_("Motivazioni dei criteri"))


# The fields whose change is an evaluation: who makes it and when is recorded (PracticeAdminForm.save).
EVALUATION_FIELDS = ("evaluation_level", "criteria_met", "evaluated_at")


class PracticeAdminForm(CmsPageForm):
    """A Referente di Zona can only pick their own zona, and leaves the evaluation to the moderators.

    The evaluation carries its evidence (the EU Best Practice Portal's way): a justification per
    criterion, who evaluated and when. Who and when are recorded here, on save, rather than typed:
    the person changing the level, the criteria or their justifications is the evaluator, and
    today is the date unless the moderator wrote another one (an evaluation made at a meeting and
    entered later). Only someone who may set the level records an evaluation: a Referente may
    propose criteria and justifications, but the page never says "valutata da" a Referente.
    A "buona pratica" justifies every criterion it meets; lower levels may list criteria without
    justification (the practices published before the evidence existed stay valid).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluates = not is_zona_restricted(self.for_user)
        if "zona" in self.fields and is_zona_restricted(self.for_user):
            zona = user_zona(self.for_user)
            zones = self.fields["zona"].queryset
            self.fields["zona"].queryset = zones.filter(pk=zona.pk) if zona else zones.none()
            self.fields["zona"].help_text = _("Come Referente di Zona puoi inserire pratiche solo della tua zona.")
            if zona is not None and not self.instance.zona_id:
                self.fields["zona"].initial = zona.pk
        if "evaluation_level" in self.fields and is_zona_restricted(self.for_user):
            # "da valutare" until a moderator sets it: the Referente sees it, cannot change it
            self.fields["evaluation_level"].disabled = True
            self.fields["evaluation_level"].help_text = _(
                "Il livello di valutazione lo assegna la moderazione quando approva la pratica.")
        if "evaluated_at" in self.fields and not self.evaluates:
            self.fields["evaluated_at"].disabled = True

    def clean(self):
        cleaned = super().clean()
        zona, others = cleaned.get("zona"), cleaned.get("other_zones")
        if zona is not None and others is not None and any(z.pk == zona.pk for z in others):
            self.add_error("other_zones", repeated_zona_message(zona))
        if not self.is_deferred_validation:  # drafts and autosave: checked when publishing
            self._check_evidence(cleaned)
        return cleaned

    def _evidence(self) -> list[tuple[str, str]] | None:
        """(criterion, justification) of the rows the page will have; None when a row is invalid.
        Each row form is checked on its own (not the whole formset, whose duplicate check would hide
        the duplicates from the clear message below)."""
        formset = self.formsets.get("criteria_evidence")
        if formset is None or formset.add_prefix(TOTAL_FORM_COUNT) not in formset.data:  # not posted: unchanged
            if self.instance.pk is None:
                return []
            return [(e.criterion, e.justification) for e in self.instance.criteria_evidence.all()]
        if not formset.management_form.is_valid():
            return None
        rows = []
        for form in formset.forms:
            if not form.is_valid():
                return None
            data = form.cleaned_data
            if data and not data.get("DELETE") and data.get("criterion"):
                rows.append((data["criterion"], data.get("justification", "")))
        return rows

    def _check_evidence(self, cleaned):
        rows = self._evidence()
        if rows is None or "criteria_met" not in cleaned:
            return
        labels = dict(Criterion.choices)
        met = set(cleaned.get("criteria_met") or ())
        seen: set[str] = set()
        for criterion, _text in rows:
            if criterion in seen:
                self.add_error(None, _("Il criterio «%(criterion)s» ha due motivazioni: scrivine una sola.")
                               % {"criterion": labels.get(criterion, criterion)})
            seen.add(criterion)
        extra = [str(labels.get(c, c)) for c in seen - met]
        if extra:
            self.add_error("criteria_met", _(
                "Hai scritto la motivazione di %(criteria)s ma non l'hai spuntato tra i criteri soddisfatti: "
                "spunta il criterio o togli la motivazione.") % {"criteria": ", ".join(f"«{c}»" for c in sorted(extra))})
        level = cleaned.get("evaluation_level", self.instance.evaluation_level)
        justified = {c for c, text in rows if (text or "").strip()}
        missing = [str(label) for value, label in Criterion.choices if value in met - justified]
        if level == EvaluationLevel.BUONA_PRATICA and missing:
            self.add_error("criteria_met", _(
                "Una buona pratica motiva ogni criterio soddisfatto: manca la motivazione di %(criteria)s "
                "(«Motivazioni dei criteri», qui sotto).") % {"criteria": ", ".join(f"«{c}»" for c in missing)})

    def evaluation_changed(self) -> bool:
        if set(EVALUATION_FIELDS) & set(self.changed_data):
            return True
        formset = self.formsets.get("criteria_evidence")
        return formset is not None and formset.has_changed()

    def save(self, commit=True):
        if self.evaluates and self.evaluation_changed():
            page = self.instance
            if getattr(self.for_user, "is_authenticated", False):
                page.evaluated_by = self.for_user
            if "evaluated_at" not in self.changed_data or not self.cleaned_data.get("evaluated_at"):
                page.evaluated_at = timezone.localdate()
        return super().save(commit)


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
