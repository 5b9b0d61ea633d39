"""The admin's choosers find what an editor types (issue #18, items 1 and 2).

Zones, topics and norms are what an editor picks from when filling a page; the chooser's
search must find a zona by name and a norm by its number, and a norm is always shown with
its identifier ("DGR 544/2023 – title").
"""
from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.accounts.conftest import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    client = Client(raise_request_exception=False)
    client.force_login(make_member("redattrice.choosers@regione.example.it", groups=("Redattore",)))
    return client


def _results(client, url, query) -> str:
    response = client.get(url, {"q": query})
    assert response.status_code == 200, (url, response.status_code)
    return response.json()["html"] if response.get("Content-Type", "").startswith("application/json") else response.content.decode()


@pytest.mark.parametrize("query", ["Lunigiana", "lunig"])
def test_the_zona_chooser_finds_a_zona_by_name_or_comune(editor, query):
    from cms.models import Zona

    zona = Zona.objects.get(name__icontains="Lunigiana")
    assert query.lower() in (zona.name + " " + zona.comuni).lower()
    html = _results(editor, "/admin/snippets/choose/cms/zona/results/", query)
    assert zona.name in html
    other = Zona.objects.exclude(pk=zona.pk).order_by("name").first()
    assert other.name not in html, "the search narrows the list"


def test_the_topic_chooser_finds_a_topic(editor):
    from cms.models import Topic

    topic = Topic.objects.order_by("-name").first()
    html = _results(editor, "/admin/snippets/choose/cms/topic/results/", topic.name.split()[0][:5])
    assert topic.name in html


def test_a_norm_is_shown_and_found_with_its_identifier(editor):
    from tests import builders

    norm = builders.norm("Linee guida integrazione sociale e lavoro", "544", datetime.date(2023, 5, 15))
    assert str(norm) == "DGR 544/2023 – Linee guida integrazione sociale e lavoro"
    html = _results(editor, "/admin/choose-page/search/", "544")
    assert "DGR 544/2023" in html and "Linee guida integrazione sociale e lavoro" in html


def test_topics_zones_and_norms_are_type_ahead_pickers_not_list_boxes(editor):
    import html as html_lib
    import json
    import re

    from tests import builders
    from tests.security.conftest import site_tree

    tree = site_tree()
    norm = builders.norm("Linee guida integrazione sociale e lavoro", "544", datetime.date(2023, 5, 15))
    form = editor.get(f"/admin/pages/add/cms/practicepage/{tree.practices.pk}/").content.decode()
    for name in ("topics", "related_norms"):
        assert not re.search(rf'<select[^>]*name="{name}"[^>]*multiple', form), f"{name} is still a Ctrl-click list box"
        assert f'data-autocomplete-input-name="{name}"' in form, f"{name} has no type-ahead picker"
    assert 'data-controller="autocomplete-controller"' in form and "wagtailautocomplete/dist.js" in form

    practice = builders.practice("Sportello unico inclusione", "Un punto di accesso.", norms=[norm])
    edit = editor.get(f"/admin/pages/{practice.pk}/edit/").content.decode()
    chosen = re.search(r'data-autocomplete-input-name="related_norms"\s+data-autocomplete-input-value="([^"]*)"', edit)
    assert chosen, "the related norms' picker"
    titles = [item["title"] for item in json.loads(html_lib.unescape(chosen.group(1)))]
    assert titles == ["DGR 544/2023 – Linee guida integrazione sociale e lavoro"], "the chosen norm shows with its identifier"


def _picked(client, model: str, query: str) -> list[str]:
    response = client.post("/admin/autocomplete/search/", {"type": model, "query": query, "exclude": ""})
    assert response.status_code == 200, (model, query, response.status_code)
    return [item["title"] for item in response.json()["items"]]


@pytest.mark.parametrize("typed", ["544", "DGR 544/2023", "delibera n. 544 del 2023", "544/2023", "linee guida",
                                   "544/23", "DGR n° 544", "dgr544", "Delibera di Giunta regionale 544",
                                   "DGR 54", "DGR 544 linee"])
def test_the_norm_picker_finds_the_act_as_editors_cite_it(editor, typed):
    """The forms the search reads (cms.norm_citation), and what a type-ahead sees while the number is
    still being typed ("DGR 54")."""
    from tests import builders

    builders.norm("Linee guida integrazione sociale e lavoro", "544", datetime.date(2023, 5, 15))
    builders.norm("Piano sociale integrato regionale", "73", datetime.date(2024, 1, 29))
    assert _picked(editor, "cms.NormPage", typed) == ["DGR 544/2023 – Linee guida integrazione sociale e lavoro"]


def test_the_zona_and_topic_pickers_find_by_name(editor):
    from cms.models import Topic

    assert _picked(editor, "cms.Zona", "lunig") == ["Lunigiana"]
    topic = Topic.objects.order_by("name").first()
    assert topic.name in _picked(editor, "cms.Topic", topic.name[:5].lower())


@pytest.mark.parametrize("model", ["auth.User", "newsletter.Subscriber", "wagtaildocs.Document", "wagtailcore.Page", "nessuno"])
def test_the_pickers_answer_only_for_topics_zones_and_norms(editor, model):
    """The library's admin endpoints would list any model to anyone with admin access."""
    assert editor.post("/admin/autocomplete/search/", {"type": model, "query": "a"}).status_code == 400
    assert editor.get("/admin/autocomplete/objects/", {"type": model, "pks": "1"}).status_code == 400


def test_the_pickers_are_not_open_to_visitors(db):
    anonymous = Client()
    response = anonymous.post("/admin/autocomplete/search/", {"type": "cms.Zona", "query": "lunig"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert "Lunigiana" not in response.content.decode()
