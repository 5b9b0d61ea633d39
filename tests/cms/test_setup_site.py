"""``manage.py setup_site`` on a freshly migrated database: the site's frame, no demo items, twice the same."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

NORMS_CSV = Path(__file__).resolve().parents[2] / "cms" / "data" / "norme.csv"
SECTIONS = ["seminari", "laboratori", "buone-pratiche", "quadro-normativo", "dati", "notizie"]


def _run() -> str:
    out = io.StringIO()
    call_command("setup_site", stdout=out)
    return out.getvalue()


def test_setup_site_builds_the_frame_without_demo_items_and_is_idempotent(client):
    from wagtail.models import Page

    from cms.models import DataPage, NewsPage, NormPage, PracticePage, SeminarPage, Topic, WorkshopPage, Zona

    assert not NormPage.objects.exists(), "the test starts from a migrated, empty database"
    first = _run()
    pages_after_first = Page.objects.count()
    second = _run()
    print(first, second)

    assert Page.objects.count() == pages_after_first, "a second run creates nothing"
    assert "0 pagine nuove" in second and "0 pagine nuove" not in first

    home = client.get("/").content.decode()
    for slug in SECTIONS:
        response = client.get(f"/{slug}/")
        assert response.status_code == 200, slug
        assert f'href="/{slug}/"' in home, f"{slug} is in the main menu"
    for slug in ("privacy", "accessibilita"):
        page = client.get(f"/{slug}/")
        assert page.status_code == 200, "the footer's links work"
        assert "[DA COMPLETARE:" in page.content.decode(), "the fields only the running body can fill in are marked"
    assert second.count("Da completare") == 2

    with NORMS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert NormPage.objects.live().count() == len(rows)
    assert Zona.objects.count() == 28 and Topic.objects.exists()
    for model in (PracticePage, SeminarPage, WorkshopPage, NewsPage, DataPage):
        assert not model.objects.exists(), f"no demo {model.__name__}"
