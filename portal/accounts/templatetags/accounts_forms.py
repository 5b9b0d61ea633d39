"""Form fields rendered with Bootstrap Italia markup (labels, help and errors tied by aria attributes).

Used by the allauth element templates and by the portal's own forms, so every form of
the accounts area looks and reads the same to a screen reader.
"""
from django import forms, template

register = template.Library()


def field_kind(bound_field) -> str:
    """Which Bootstrap Italia pattern renders this field."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return "choices"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput) or isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


_CLASSES = {
    "checkbox": "form-check-input",
    "select": "form-select",
    "file": "form-control",
    "textarea": "form-control",
    "input": "form-control",
    "choices": "",
    "hidden": "",
}


@register.inclusion_tag("accounts/includes/field.html")
def bi_field(bound_field, unlabeled=False):
    """One field: label, widget with the right classes, help text, errors."""
    kind = field_kind(bound_field)
    attrs = {}
    css = _CLASSES[kind]
    if bound_field.errors:
        css = f"{css} is-invalid".strip()
        attrs["aria-invalid"] = "true"
    if css:
        attrs["class"] = css
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-help")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-errors")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if unlabeled and kind == "input":
        attrs.setdefault("placeholder", bound_field.label)
    return {
        "field": bound_field,
        "kind": kind,
        "widget": bound_field.as_widget(attrs=attrs) if kind != "choices" else None,
        "required": bound_field.field.required,
    }


@register.inclusion_tag("accounts/includes/form_errors.html")
def bi_form_errors(form):
    """Errors that belong to the whole form, announced to assistive technology."""
    return {"errors": form.non_field_errors() if form is not None else []}
