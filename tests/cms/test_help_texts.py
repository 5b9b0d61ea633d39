"""Every field an editor fills in has a help text in Italian, with its English translation
(issue #18, item 4): every page type of the portal, their inline forms and the snippets."""
from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation
from wagtail.models import Page

from tests.cms.test_permissions import make_user

pytestmark = pytest.mark.django_db


def _page_models():
    return [m for m in apps.get_app_config("cms").get_models() if issubclass(m, Page)]


def _snippet_models():
    from cms.models import Topic, Zona

    return [Zona, Topic]


def _help_texts(model, user) -> dict[str, str]:
    """{'Model.field': help text} of the admin form of ``model`` and of its inline forms."""
    form_class = model.get_edit_handler().get_form_class()
    kwargs = {"instance": model(), "for_user": user}
    form = form_class(**kwargs)
    out = {f"{model.__name__}.{name}": str(field.help_text or "") for name, field in form.fields.items()
           if name != "comment_notifications"}  # Wagtail's own commenting switch, not a field of the page
    for formset in getattr(form, "formsets", {}).values():
        if formset.model.__name__ == "Comment":  # Wagtail's own commenting, not an editor's field
            continue
        for name, field in formset.empty_form.fields.items():
            if name not in ("id", "ORDER", "DELETE") and not field.widget.is_hidden:
                out[f"{formset.model.__name__}.{name}"] = str(field.help_text or "")
    return out


@pytest.fixture
def editor(db):
    from cms.permissions import ensure_page_permissions

    ensure_page_permissions()
    return make_user("redattrice", "Redattore")


def test_every_page_type_is_covered():
    names = {m.__name__ for m in _page_models()}
    assert {"PracticePage", "NormPage", "DataPage", "SeminarPage", "WorkshopPage", "NewsPage", "StandardPage",
            "HomePage", "PracticeIndexPage"} <= names


@pytest.mark.parametrize("model", [*_page_models(), *_snippet_models()], ids=lambda m: m.__name__)
def test_every_field_has_an_italian_help_text_and_an_english_one(model, editor):
    with translation.override("it"):
        italian = _help_texts(model, editor)
    with translation.override("en"):
        english = _help_texts(model, editor)
    assert len(italian) >= 2
    missing = [name for name, text in italian.items() if not text.strip()]
    assert not missing, f"fields without help text: {missing}"
    untranslated = [name for name, text in italian.items() if english[name] == text]
    assert not untranslated, f"help texts missing from the English catalog: {untranslated}"


def test_help_texts_give_an_example(editor):
    """The help of the practice form, the one Referenti fill in, shows an example on every text field."""
    from cms.models import PracticePage

    with translation.override("it"):
        texts = _help_texts(PracticePage, editor)
    plain = [name for name, text in texts.items() if "Es." not in text and "es." not in text]
    # choices and ticks explain their options instead of an example
    assert set(plain) <= {"PracticePage.show_in_menus", "PracticePage.evaluation_level", "PracticePage.slug"} | {
        n for n in texts if n.startswith("PracticePage.") and n.split(".")[1] in ("comment_notifications",)}, plain
