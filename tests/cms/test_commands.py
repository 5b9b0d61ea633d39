"""load_demo (idempotent, from the seeds) and generate_content (deterministic, bulk).

These run in the fast tier on both databases in CI: on PostgreSQL in ``make test`` and on
SQLite, what ``make run`` loads the demo into, in ``make test-sqlite``. (A separate
PostgreSQL-only copy of the idempotence check repeated the first test and is gone.)
"""
import io
import re

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from cms.models import (
    DataPage,
    NewsPage,
    NormPage,
    NormRelation,
    PracticePage,
    SeminarPage,
    WorkshopPage,
)

pytestmark = pytest.mark.django_db

MODELS = [PracticePage, SeminarPage, WorkshopPage, NormPage, DataPage, NewsPage]


def _counts():
    counts = {m.__name__: m.objects.count() for m in MODELS}
    counts["pages"] = Page.objects.count()
    counts["relations"] = NormRelation.objects.count()
    return counts


def _load_demo():
    out = io.StringIO()
    call_command("load_demo", "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_load_demo_is_idempotent_and_built_from_the_seeds(client):
    from django.db import connection

    print(f"\nload_demo on {connection.vendor}")
    _load_demo()
    first = _counts()
    assert first["NormPage"] == 13 and first["PracticePage"] == 2 and first["DataPage"] >= 15
    assert first["SeminarPage"] >= 10 and first["WorkshopPage"] >= 3 and first["NewsPage"] >= 4
    assert "0 pagine nuove" in _load_demo()
    assert _counts() == first

    siil = PracticePage.objects.get(slug="siil-valdinievole")
    assert siil.zona.slug == "val-di-nievole"
    assert "DGR 544/2023" in siil.search_payload()["related_act_ids"]
    assert "ARTI" in siil.core_team and "Salute Mentale".lower() in siil.extended_team.lower()
    assert "minimizzazione" in siil.data_protection
    dgr = NormPage.objects.get(kind="DGR", number="544")
    assert dgr.urn == "urn:nir:regione.toscana:delibera.giunta:2023-05-15;544"
    lr = NormPage.objects.get(kind="L.R.", number="40")
    assert [str(label) for label, _n in lr.relations_both_sides()] == ["modificata da"]
    fnps = DataPage.objects.get(slug="fnps-ripartito-2019-2020")
    assert int(fnps.value) == 51599773
    ctssm = SeminarPage.objects.get(slug="governance-zonale-e-integrazione")
    assert ctssm.speakers.filter(kind="external", organisation__icontains="Bologna").exists()
    assert SeminarPage.objects.filter(start__year__gte=2020, start__year__lte=2025).count() >= 10
    tagged = sum(m.objects.filter(tags__name="newsletter").count() for m in MODELS)
    assert tagged >= 5
    home = client.get("/")
    assert home.status_code == 200
    menu_titles = [p.title for p in Page.objects.get(slug="home").get_children().live().in_menu()]
    assert {"Seminari", "Buone pratiche", "Quadro normativo", "Dati", "Notizie"} <= set(menu_titles)
    for model in MODELS:
        for page in model.objects.live():
            assert client.get(page.url).status_code == 200, page.url
    assert "lorem" not in home.content.decode().lower()
    own_links = set(re.findall(r'href="(/[^"#?]*)"', home.content.decode()))
    broken = [url for url in own_links if client.get(url).status_code >= 400]
    assert not broken, f"links of the home page (header, menu, footer) that answer 4xx: {broken}"
    assert {"/privacy/", "/accessibilita/"} <= own_links


def test_generate_content_is_deterministic_and_idempotent(client):
    call_command("generate_content", "--practices", "40", "--seminars", "15", "--norms", "25", "--seed", "7",
                 "--batch-size", "10", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert PracticePage.objects.filter(slug__startswith="gen7-").count() == 40
    assert SeminarPage.objects.filter(slug__startswith="gen7-").count() == 15
    assert NormPage.objects.filter(slug__startswith="gen7-").count() == 25
    snapshot = list(PracticePage.objects.filter(slug__startswith="gen7-").order_by("slug").values_list("slug", "title", "zona_id"))
    assert Page.find_problems() == ([], [], [], [], [])
    call_command("generate_content", "--practices", "40", "--seed", "7", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert PracticePage.objects.filter(slug__startswith="gen7-").count() == 40
    again = list(PracticePage.objects.filter(slug__startswith="gen7-").order_by("slug").values_list("slug", "title", "zona_id"))
    assert again == snapshot
    assert len({t for _s, t, _z in snapshot}) > 10  # varied titles
    page = PracticePage.objects.filter(slug__startswith="gen7-").first()
    assert client.get(page.url).status_code == 200
    assert page.topics.exists() and page.search_payload()["zones"]
    seminar = SeminarPage.objects.filter(slug__startswith="gen7-").first()
    assert seminar.speakers.exists()
    norms = NormPage.objects.filter(slug__startswith="gen7-")
    assert len(set(norms.values_list("kind", "number", "year"))) == 25
    assert all(n.urn.startswith("urn:nir:") for n in norms)
    assert client.get("/buone-pratiche/", {"per_page": 48}).status_code == 200


def test_generate_content_needs_a_count():
    with pytest.raises(CommandError, match="Indicare almeno uno"):
        call_command("generate_content", stdout=io.StringIO(), stderr=io.StringIO())
