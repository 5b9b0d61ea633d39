"""Practices that travel (issue #19, item 3): a practice realized in one zona may cover other zones or
the whole region. A practitioner of a covered zona finds it on their zona's page (listed apart from the
zona's own practices), in the practices listing filtered by their zona or Azienda USL, and under their
zona in the database search's facets; a members-only practice never reaches a visitor that way; the
practice page, the export, the API and the JSON-LD say which zones it covers; repeating the main zona
among the other zones is refused in Italian."""
from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from cms.models import PracticePage
from tests.accounts.conftest import make_member
from tests import builders

pytestmark = pytest.mark.django_db


def _practice(site_tree, zona, others=(), *, publish=True, **fields):
    """A practice of ``zona`` (tests.builders) that also covers ``others``."""
    page = builders.practice(parent=site_tree["buone-pratiche"], zona_obj=zona, publish=False, **fields)
    page.other_zones.set(others)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return PracticePage.objects.get(pk=page.pk)


def _section(client, zona, section_id="zona-travelling") -> str:
    tree = lxml_html.fromstring(client.get(zona.get_absolute_url()).content.decode())
    found = tree.xpath(f'//section[@aria-labelledby="{section_id}"]')
    return " ".join(found[0].text_content().split()) if found else ""


def _listing_titles(client, **params) -> str:
    return client.get("/buone-pratiche/", params).content.decode()


def test_a_practice_shared_with_another_zona_is_on_that_zonas_page_apart_from_its_own(client, site_tree):
    nievole, mugello = builders.zona("val-di-nievole"), builders.zona("mugello")
    shared = _practice(site_tree, nievole, [mugello], title="Équipe condivisa Valdinievole e Mugello")
    builders.practice(parent=site_tree["buone-pratiche"], zona_obj=mugello, title="Pratica propria del Mugello")

    travelling = _section(client, mugello)
    assert "Realizzate insieme ad altre zone" in travelling and shared.title in travelling
    assert "zona principale: Val di Nievole" in travelling
    assert "Pratica propria del Mugello" not in travelling, "the zona's own practices are not repeated"
    own = _section(client, mugello, "zona-practices")
    assert "Pratica propria del Mugello" in own and shared.title not in own
    assert shared.title not in _section(client, nievole), "on its own zona it is an own practice"


def test_the_listing_filtered_by_a_covered_zona_or_its_azienda_finds_the_practice(client, site_tree):
    nievole, mugello, elba = builders.zona("val-di-nievole"), builders.zona("mugello"), builders.zona("elba")
    shared = _practice(site_tree, nievole, [mugello], title="Sportello condiviso col Mugello")
    assert shared.title in _listing_titles(client, zona="mugello")
    assert shared.title in _listing_titles(client, zona="val-di-nievole")
    assert shared.title not in _listing_titles(client, zona="elba")
    assert shared.title in _listing_titles(client, ausl=mugello.azienda_usl)
    if elba.azienda_usl not in (mugello.azienda_usl, nievole.azienda_usl):
        assert shared.title not in _listing_titles(client, ausl=elba.azienda_usl)
    exported = client.get("/export/buone-pratiche.json", {"zona": "mugello"}).json()["results"]
    assert [(r["titolo"], r["altre_zone"]) for r in exported] == [(shared.title, ["Mugello"])]


def test_a_region_wide_practice_is_on_every_zona_page_in_every_filter_and_says_so(client, site_tree):
    from cms.models import Zona

    nievole = builders.zona("val-di-nievole")
    regional = _practice(site_tree, nievole, covers_whole_region=True, title="Protocollo regionale équipe")
    for zona in Zona.objects.exclude(pk=nievole.pk).order_by("?")[:3]:
        travelling = _section(client, zona)
        assert "In tutta la Toscana" in travelling and regional.title in travelling, zona.slug
        assert regional.title in _listing_titles(client, zona=zona.slug), zona.slug
    page = client.get(regional.url).content.decode()
    assert "Zone coinvolte:" in page and "Tutta la Toscana" in page
    exported = client.get("/export/buone-pratiche.csv", {"zona": "elba"}).content.decode("utf-8-sig")
    assert "altre zone coinvolte" in exported.splitlines()[0] and "tutta la Toscana" in exported


def test_the_practice_page_names_the_zones_involved_and_json_ld_and_api_say_it(client, site_tree):
    nievole, mugello, pistoiese = builders.zona("val-di-nievole"), builders.zona("mugello"), builders.zona("pistoiese")
    shared = _practice(site_tree, nievole, [pistoiese, mugello], title="Pratica di tre zone")
    tree = lxml_html.fromstring(client.get(shared.url).content.decode())
    header = " ".join(tree.xpath('string(//li[strong[normalize-space()="Zone coinvolte:"]])').split())
    assert header == "Zone coinvolte: Mugello, Pistoiese"
    assert tree.xpath(f'//li[strong[normalize-space()="Zone coinvolte:"]]/a[@href="{mugello.get_absolute_url()}"]')
    ld = [json.loads(s) for s in tree.xpath('//script[@type="application/ld+json"]/text()')]
    areas = [a["name"] for d in ld if d.get("@type") == "Article" for a in d.get("spatialCoverage", [])]
    assert areas == ["Val di Nievole", "Mugello", "Pistoiese"]
    api = client.get(f"/api/v2/pages/{shared.pk}/").json()
    assert api["covers_whole_region"] is False and len(api["other_zones"]) == 2


def test_the_database_search_counts_the_practice_under_the_zones_it_covers(site_tree, settings):
    from search.querying.contract import SearchRequest
    from search.querying.database import DatabaseBackend

    settings.ELASTICSEARCH_URLS = []
    nievole, mugello = builders.zona("val-di-nievole"), builders.zona("mugello")
    shared = _practice(site_tree, nievole, [mugello], title="Pratica condivisa per la ricerca")
    regional = _practice(site_tree, builders.zona("pistoiese"), covers_whole_region=True, title="Pratica regionale per la ricerca")

    def search(zona_slug):
        result = DatabaseBackend().search(SearchRequest(filters={"zona": (zona_slug,)}))
        counts = {v.value: v.count for facet in result.facets for v in facet.values if facet.name == "zona"}
        return {h.page_id for h in result.hits}, counts

    hits, counts = search("mugello")
    assert hits == {shared.pk, regional.pk}
    assert counts.get("mugello") == 2 and counts.get("val-di-nievole") == 2 and counts.get("elba") == 1
    hits, counts = search("elba")
    assert hits == {regional.pk}, "a region-wide practice counts under every zona"
    assert shared.payload_zones()[0] == nievole, "its own zona first"
    assert len(regional.payload_zones()) == len({z.pk for z in regional.payload_zones()}) == 28


def test_the_search_documents_of_many_practices_read_their_zones_in_constant_queries(site_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.querying.facets import page_values
    from search.querying.database import facet_rows

    nievole, mugello, elba = builders.zona("val-di-nievole"), builders.zona("mugello"), builders.zona("elba")
    first = [_practice(site_tree, nievole, [mugello]).pk, _practice(site_tree, nievole, covers_whole_region=True).pk]
    with CaptureQueriesContext(connection) as few:
        rows = facet_rows(first)
    more = first + [_practice(site_tree, nievole, [mugello, elba]).pk for _n in range(6)]
    more += [_practice(site_tree, mugello, covers_whole_region=True).pk for _n in range(3)]
    with CaptureQueriesContext(connection) as many:
        rows = facet_rows(more)
    assert len(many.captured_queries) <= len(few.captured_queries) + 1, [q["sql"][:120] for q in many.captured_queries]
    assert "elba" in rows[more[2]].values["zona"] and len(rows[more[-1]].values["zona"]) == 28
    assert page_values(PracticePage.objects.get(pk=first[0]))["zona"] == {"val-di-nievole", "mugello"}


def test_a_members_only_practice_is_not_shown_to_a_visitor_through_a_covered_zona(site_tree):
    nievole, mugello, elba = builders.zona("val-di-nievole"), builders.zona("mugello"), builders.zona("elba")
    hidden = _practice(site_tree, nievole, [mugello], title="Pratica riservata condivisa")
    hidden_regional = _practice(site_tree, nievole, covers_whole_region=True, title="Pratica riservata regionale")
    builders.restrict(hidden)
    builders.restrict(hidden_regional)
    visitor = Client()
    assert hidden.title not in visitor.get(mugello.get_absolute_url()).content.decode()
    assert hidden_regional.title not in visitor.get(elba.get_absolute_url()).content.decode()
    assert hidden.title not in _listing_titles(visitor, zona="mugello")
    member = Client()
    member.force_login(make_member("operatrice.coperta@sds.example.it"))
    assert hidden.title in member.get(mugello.get_absolute_url()).content.decode()
    assert hidden_regional.title in member.get(elba.get_absolute_url()).content.decode()


def test_the_main_zona_among_the_other_zones_is_refused_in_italian(site_tree, client):
    from tests.cms.test_admin_practice_form import _practice_data
    from tests.cms.test_permissions import make_user

    nievole, mugello = builders.zona("val-di-nievole"), builders.zona("mugello")
    page = PracticePage(title="Pratica ripetuta", slug="pratica-ripetuta", summary="Sintesi.", owner_body="SdS", zona=nievole)
    page.other_zones.set([mugello, nievole])
    with pytest.raises(ValidationError) as refused:
        site_tree["buone-pratiche"].add_child(instance=page)
    assert "«Val di Nievole» è già la zona principale della pratica" in str(refused.value.message_dict["other_zones"])

    from cms.permissions import ensure_page_permissions

    ensure_page_permissions()
    client.force_login(make_user("redattrice_zone", "Redattore"))
    data = _practice_data("Pratica ripetuta", nievole, "SdS", "Sintesi.", **{"action-publish": "1"})
    data["other_zones"] = json.dumps([{"pk": nievole.pk}, {"pk": mugello.pk}])
    response = client.post(reverse("wagtailadmin_pages:add", args=["cms", "practicepage", site_tree["buone-pratiche"].pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "è già la zona principale della pratica" in " ".join(errors["other_zones"])
    assert not PracticePage.objects.filter(title="Pratica ripetuta").exists()
    data["other_zones"] = json.dumps([{"pk": mugello.pk}])
    assert client.post(reverse("wagtailadmin_pages:add", args=["cms", "practicepage", site_tree["buone-pratiche"].pk]),
                       data).status_code == 302
    saved = PracticePage.objects.get(title="Pratica ripetuta")
    assert saved.live and list(saved.other_zones.all()) == [mugello]


def test_the_api_filters_by_the_coverage_and_refuses_bad_values_in_italian(client, site_tree):
    nievole, mugello = builders.zona("val-di-nievole"), builders.zona("mugello")
    shared = _practice(site_tree, nievole, [mugello])
    regional = _practice(site_tree, nievole, covers_whole_region=True)
    listed = client.get("/api/v2/pages/", {"type": "cms.PracticePage", "other_zones": mugello.pk}).json()
    assert [p["id"] for p in listed["items"]] == [shared.pk]
    listed = client.get("/api/v2/pages/", {"type": "cms.PracticePage", "covers_whole_region": "true"}).json()
    assert [p["id"] for p in listed["items"]] == [regional.pk]
    for bad in ({"other_zones": "mugello"}, {"other_zones": "99999999999999999999999"}, {"covers_whole_region": "forse"}):
        response = client.get("/api/v2/pages/", {"type": "cms.PracticePage", **bad})
        assert response.status_code == 400, (bad, response.status_code)


def test_a_region_wide_practice_in_the_search_results_names_its_zona_and_how_many_more(client, site_tree, settings):
    """A hit lists its zones; a region-wide practice would list all 28, so it names its own and counts the rest."""
    settings.ELASTICSEARCH_URLS = []
    _practice(site_tree, builders.zona("pistoiese"), covers_whole_region=True, title="Pratica regionale di prossimità")
    page = client.get("/cerca/", {"q": "regionale prossimità"}).content.decode()
    tree = lxml_html.fromstring(page)
    zones = [" ".join(z.text_content().split()) for z in tree.xpath('//*[contains(@class, "search-hit-zones")]')]
    assert zones == ["· Pistoiese e altre 27 zone"], zones
