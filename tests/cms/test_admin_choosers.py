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
    from tests.search import content

    norm = content.norm("Linee guida integrazione sociale e lavoro", "544", datetime.date(2023, 5, 15))
    assert str(norm) == "DGR 544/2023 – Linee guida integrazione sociale e lavoro"
    html = _results(editor, "/admin/choose-page/search/", "544")
    assert "DGR 544/2023" in html and "Linee guida integrazione sociale e lavoro" in html


def test_topics_zones_and_norms_are_filterable_ticks_not_list_boxes(editor):
    import re

    from tests.search import content
    from tests.security.conftest import site_tree

    tree = site_tree()
    content.norm("Linee guida integrazione sociale e lavoro", "544", datetime.date(2023, 5, 15))
    html = editor.get(f"/admin/pages/add/cms/practicepage/{tree.practices.pk}/").content.decode()
    for name in ("topics", "related_norms"):
        assert not re.search(rf'<select[^>]*name="{name}"[^>]*multiple', html), f"{name} is still a Ctrl-click list box"
        assert f'type="checkbox" name="{name}"' in html
    assert html.count("data-cdp-choices-filter") >= 2 and "searchable-checkboxes.js" in html
    assert "DGR 544/2023 – Linee guida integrazione sociale e lavoro" in html
