"""The practice form guides the editor (issue #18, item 3): what publishing needs is on the first
tab, the evaluation level is an explicit choice that starts «da valutare», and autosaving a page
being typed does not answer "errori di validazione"."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.text import slugify
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.admin_forms import REQUIRED_ON_SAVE_ATTR
from cms.models import EvaluationLevel, NormPage, PracticePage
from cms.permissions import ensure_page_permissions
from tests import builders
from tests.cms.test_permissions import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(site_tree):
    ensure_page_permissions()
    return site_tree


def _practice_data(title="", zona=None, owner_body="", summary="", **extra):
    data = {
        "title": title, "slug": slugify(title), "zona": zona.pk if zona else "", "owner_body": owner_body,
        "summary": summary, "partners": "", "target_groups": "", "objectives": rich_text(""),
        "activities": rich_text(""), "core_team": "", "extended_team": "", "tools": rich_text(""),
        "data_protection": rich_text(""), "funding_note": "", "period_start": "", "period_end": "",
        "results": rich_text(""), "evaluation_level": EvaluationLevel.DA_VALUTARE, "lessons_learned": rich_text(""),
        "attachments": streamfield([]), "contacts": inline_formset([]), "tags": "", "comments": inline_formset([]),
        "seo_title": "", "search_description": "", "go_live_at": "", "expire_at": "",
    }
    data.update(extra)
    return nested_form_data(data)


def _add_url(parent, model="practicepage"):
    return reverse("wagtailadmin_pages:add", args=["cms", model, parent.pk])


def _first_tab_fields(model) -> set[str]:
    return set(model.get_edit_handler().children[0].get_form_options()["fields"])


def test_what_publishing_a_practice_needs_is_on_the_first_tab(roles, client):
    client.force_login(make_user("redattrice", "Redattore"))
    response = client.get(_add_url(roles["buone-pratiche"]))
    assert response.status_code == 200
    form = response.context["form"]
    required = {name for name, field in form.fields.items() if field.required}
    # the page's own checks (PracticePage.clean) ask for a zona too
    required.add("zona")
    required.discard("slug")  # Wagtail writes it from the title as the editor types
    assert {"title", "zona", "owner_body", "summary"} <= required
    assert required <= _first_tab_fields(PracticePage), required - _first_tab_fields(PracticePage)
    assert "evaluation_level" in _first_tab_fields(PracticePage)


def test_a_practice_published_with_the_first_tab_only(roles, client):
    client.force_login(make_user("redattrice", "Redattore"))
    data = _practice_data("Sportello unico di prova", builders.zona("mugello"), "SdS Mugello", "Uno sportello per tutti.",
                          **{"action-publish": "1"})
    response = client.post(_add_url(roles["buone-pratiche"]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = PracticePage.objects.get(title="Sportello unico di prova")
    assert page.live and page.evaluation_level == EvaluationLevel.DA_VALUTARE


def test_publishing_without_a_zona_points_at_the_field(roles, client):
    client.force_login(make_user("redattrice", "Redattore"))
    data = _practice_data("Pratica senza zona", None, "SdS", "Sintesi.", **{"action-publish": "1"})
    response = client.post(_add_url(roles["buone-pratiche"]), data)
    assert response.status_code == 200
    assert "zona" in response.context["form"].errors
    assert not PracticePage.objects.filter(title="Pratica senza zona").exists()


def test_a_new_practice_is_da_valutare_and_a_referente_cannot_set_the_level(roles, client):
    assert PracticePage._meta.get_field("evaluation_level").default == EvaluationLevel.DA_VALUTARE
    referente = make_user("ref_mugello", "Referente di Zona", builders.zona("mugello"))
    client.force_login(referente)
    url = _add_url(roles["buone-pratiche"])
    assert client.get(url).context["form"].fields["evaluation_level"].disabled
    data = _practice_data("Pratica proposta", builders.zona("mugello"), "SdS Mugello", "Sintesi.",
                          evaluation_level=EvaluationLevel.BUONA_PRATICA)
    response = client.post(url, data)
    assert response.status_code == 302
    assert PracticePage.objects.get(title="Pratica proposta").evaluation_level == EvaluationLevel.DA_VALUTARE


def test_a_moderator_sets_the_level(roles, client):
    page = builders.practice(parent=roles["buone-pratiche"], evaluation_level=EvaluationLevel.DA_VALUTARE)
    client.force_login(make_user("moderatrice", "Moderatore"))
    form = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).context["form"]
    assert not form.fields["evaluation_level"].disabled
    assert [value for value, _label in form.fields["evaluation_level"].choices][0] == EvaluationLevel.DA_VALUTARE


def _autosave(client, url, data):
    return client.post(url, data, HTTP_ACCEPT="application/json")


def test_autosave_of_a_practice_being_typed_is_not_a_validation_error(roles, client):
    client.force_login(make_user("redattrice", "Redattore"))
    # the editor has typed only the title: no zona, no ente titolare, no summary yet
    response = _autosave(client, _add_url(roles["buone-pratiche"]), _practice_data("Pratica appena iniziata"))
    assert response.status_code == 200
    body = response.json()
    assert body["success"], body
    draft = PracticePage.objects.get(title="Pratica appena iniziata")
    assert not draft.live and draft.zona_id is None
    # publishing it still asks for what is missing
    edit = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    published = client.post(edit, _practice_data("Pratica appena iniziata", **{"action-publish": "1"}))
    assert published.status_code == 200 and {"zona", "owner_body", "summary"} <= set(published.context["form"].errors)


def test_autosave_of_a_norm_being_typed_is_not_a_validation_error(roles, client):
    client.force_login(make_user("redattrice", "Redattore"))
    data = nested_form_data({
        "title": "Atto appena iniziato", "slug": "atto-appena-iniziato", "summary": "", "kind": "DGR", "number": "", "date": "", "year": "",
        "issuing_body": "", "authority": "", "status": "vigente", "body": rich_text(""), "note": "",
        "full_text_url": "", "full_text_document": "", "outgoing_relations": inline_formset([]), "tags": "",
        "comments": inline_formset([]), "seo_title": "", "search_description": "", "go_live_at": "", "expire_at": "",
    })
    response = _autosave(client, _add_url(roles["quadro-normativo"], "normpage"), data)
    assert response.json()["success"], response.json()
    assert NormPage.objects.filter(title="Atto appena iniziato", live=False).exists()


def test_fields_a_draft_needs_are_marked_for_the_autosave_script(roles, client):
    client.force_login(make_user("redattrice", "Redattore"))
    html = client.get(_add_url(roles["buone-pratiche"])).content.decode()
    assert "autosave-when-ready.js" in html
    form = client.get(_add_url(roles["dati"], "datapage")).context["form"]
    marked = {name for name, field in form.fields.items() if REQUIRED_ON_SAVE_ATTR in field.widget.attrs}
    assert {"title", "value"} <= marked and "summary" not in marked
