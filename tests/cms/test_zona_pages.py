"""Issue #17, point 2: the Zone are reachable (menu, footer), the list groups them by Azienda USL with
counts, and each zona page shows its comuni, structure, contacts, upcoming events, news and, when it has
nothing of its own, the regional content that applies to every zona."""
import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from cms.models import Zona
from tests import builders

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parents[2] / "cms" / "data" / "zone-distretto.csv"


def _doc(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content.decode())


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _pairs(dl) -> dict:
    """{term: definition} of a <dl>, as read aloud."""
    return {_text(dt): _text(dt.getnext()) for dt in dl.xpath("./dt")}


def test_zone_list_is_in_the_main_menu_and_in_the_footer(client, site_tree):
    tree = _doc(client, "/")
    menu = [(_text(a), a.get("href")) for a in tree.xpath('//nav[@id="main-menu"]//a[contains(@class, "nav-link")]')]
    assert ("Zone distretto", "/zone/") in menu
    assert tree.xpath('//footer//a[@href="/zone/" and normalize-space()="Zone distretto"]')
    on_list = _doc(client, "/zone/").xpath('//nav[@id="main-menu"]//a[@href="/zone/"]')[0]
    assert on_list.get("aria-current") == "page"


def test_zone_list_groups_by_azienda_with_counts_of_public_content(client, site_tree):
    mugello, pistoiese = builders.zona("mugello"), builders.zona("pistoiese")
    builders.practice(parent=site_tree["buone-pratiche"], zona_obj=mugello)
    builders.practice(parent=site_tree["buone-pratiche"], zona_obj=mugello)
    builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10), zones=[mugello, pistoiese])
    builders.news(parent=site_tree["notizie"], zones=[mugello])
    hidden = builders.practice(parent=site_tree["buone-pratiche"], zona_obj=mugello)
    builders.restrict(hidden)  # members only: not counted on a public page
    builders.practice(parent=site_tree["buone-pratiche"], zona_obj=mugello, publish=False)

    tree = _doc(client, "/zone/")
    sections = tree.xpath('//main//section[h2]')
    headings = [_text(s.xpath("h2")[0]) for s in sections]
    assert headings == ["Azienda USL Toscana Nord Ovest", "Azienda USL Toscana Centro", "Azienda USL Toscana Sud Est"]
    expected = {}
    with REFERENCE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            expected.setdefault(f"Azienda USL {row['azienda_usl']}", set()).add(row["nome"])
    rows = {}
    for section, heading in zip(sections, headings):
        names = {_text(a) for a in section.xpath(".//li/a")}
        assert names == expected[heading]
        for li in section.xpath(".//li"):
            rows[_text(li.xpath("a")[0])] = _text(li.xpath("span")[0])
    assert rows["Mugello"] == "4 contenuti"  # 2 practices, 1 seminar, 1 news
    assert rows["Pistoiese"] == "1 contenuto"
    assert rows["Lunigiana"] == "0 contenuti"
    centro = sections[1]
    assert "8 zone · 5 contenuti" in _text(centro.xpath("p")[0])


def test_zona_page_shows_comuni_structure_and_contacts_unknown_marked(client, site_tree):
    mugello = builders.zona("mugello")
    tree = _doc(client, "/zone/mugello/")
    profile = tree.xpath('//dl[contains(@class, "zona-profile")]')[0]
    comuni = [_text(li).rstrip(",") for li in profile.xpath('.//dd[contains(@class, "zona-comuni")]//li')]
    assert comuni == mugello.comuni_list and len(comuni) == 8
    facts = _pairs(profile)
    assert f"Comuni ({len(comuni)})" in facts
    assert facts["Azienda USL"] == "Toscana Centro"
    assert facts["Società della Salute"] == "Sì"
    assert facts["Struttura di gestione"] == "non disponibile"
    assert facts["Contatti"] == "non disponibile"

    # a zona whose comuni the reference data does not confirm: marked, not invented
    apuane = _doc(client, "/zone/apuane/").xpath('//dl[contains(@class, "zona-profile")]')[0]
    assert _pairs(apuane)["Comuni"] == "non disponibile"
    assert _pairs(apuane)["Società della Salute"] == "Da verificare"

    # what an editor enters is shown
    Zona.objects.filter(pk=mugello.pk).update(structure_name="Società della Salute del Mugello",
                                              email="sds@example.org", phone="055 000000",
                                              website="https://example.org/sds")
    profile = _doc(client, "/zone/mugello/").xpath('//dl[contains(@class, "zona-profile")]')[0]
    contacts = profile.xpath('.//dd[contains(@class, "zona-contacts")]')[0]
    assert contacts.xpath('.//a[@href="mailto:sds@example.org"]') and "055 000000" in _text(contacts)
    assert _pairs(profile)["Struttura di gestione"] == "Società della Salute del Mugello"


def test_zona_page_lists_upcoming_events_next_session_first_and_latest_news(client, site_tree):
    z = builders.zona("mugello")
    now = timezone.now()
    later = builders.seminar(parent=site_tree["seminari"], start=now + timedelta(days=20), zones=[z], title="Seminario lontano")
    builders.seminar(parent=site_tree["seminari"], start=now - timedelta(days=20), zones=[z], title="Seminario passato")
    workshop = builders.workshop(parent=site_tree["laboratori"], zones=[z], title="Laboratorio in corso",
                          sessions=[now - timedelta(days=30), now + timedelta(days=3), now + timedelta(days=40)])
    builders.seminar(parent=site_tree["seminari"], start=now + timedelta(days=1), zones=[builders.zona("pistoiese")], title="Altra zona")
    private = builders.seminar(parent=site_tree["seminari"], start=now + timedelta(days=2), zones=[z], title="Seminario riservato")
    builders.restrict(private)
    old = builders.news(parent=site_tree["notizie"], zones=[z], title="Notizia vecchia", date=date(2023, 1, 1))
    new = builders.news(parent=site_tree["notizie"], zones=[z], title="Notizia recente", date=date(2024, 6, 1))

    tree = _doc(client, "/zone/mugello/")
    events = tree.xpath('//section[@aria-labelledby="zona-upcoming"]//li')
    assert [_text(li.xpath(".//a")[0]) for li in events] == ["Laboratorio in corso", "Seminario lontano"]
    next_session = timezone.localtime(workshop.ordered_sessions()[1].start)
    assert events[0].xpath(".//time/@datetime")[0] == next_session.isoformat()
    assert events[1].xpath(".//time/@datetime")[0] == timezone.localtime(later.start).isoformat()
    news = [_text(a) for a in tree.xpath('//section[@aria-labelledby="zona-news"]//h3/a')]
    assert news == [new.title, old.title]
    assert not tree.xpath('//section[@aria-labelledby="zona-regional"]')  # it has its own content


def test_blank_zona_shows_the_regional_content_that_applies_to_every_zona(client, site_tree):
    now = timezone.now()
    norm = builders.norm(parent=site_tree["quadro-normativo"], number="544", title="Linee guida integrazione")
    regional = builders.seminar(parent=site_tree["seminari"], start=now + timedelta(days=7), title="Seminario regionale")
    past_regional = builders.seminar(parent=site_tree["seminari"], start=now - timedelta(days=7), title="Seminario regionale passato")
    builders.seminar(parent=site_tree["seminari"], start=now + timedelta(days=5), zones=[builders.zona("mugello")], title="Seminario del Mugello")
    hidden = builders.norm(parent=site_tree["quadro-normativo"], number="545", title="Norma riservata")
    builders.restrict(hidden)

    tree = _doc(client, "/zone/apuane/")
    section = tree.xpath('//section[@aria-labelledby="zona-regional"]')
    assert section, "a zona with nothing of its own shows the regional content"
    links = {_text(a) for a in section[0].xpath(".//a")}
    assert {norm.label, regional.title, past_regional.title} <= links
    assert "Seminario del Mugello" not in links and hidden.label not in links

    builders.practice(parent=site_tree["buone-pratiche"], zona_obj=builders.zona("apuane"))
    assert not _doc(client, "/zone/apuane/").xpath('//section[@aria-labelledby="zona-regional"]')
