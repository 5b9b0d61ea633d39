"""Issue #17, point 7: what an Italian public body's site must have. The legal pages say what the law
asks (accessibility statement: date, conformity status, feedback, AgID's procedure; privacy: controller,
DPO, legal basis, retention, complaint to the Garante), the footer links "Note legali", contacts and an
HTML site map (sitemap.xml stays for robots), and content pages carry "Ultimo aggiornamento", share and
print, a page index when long, and the rating "Quanto sono chiare le informazioni su questa pagina?"."""
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import formats, timezone
from lxml import html as lxml_html

from cms.models import StandardPage
from cms.models.blocks import BodyBlock
from cms.demo.builder import ensure_page, home_page
from tests import builders

pytestmark = pytest.mark.django_db


def _doc(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return lxml_html.fromstring(response.content.decode())


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _section_texts(tree) -> dict:
    """{h2 text: the text up to the next h2} of the main column."""
    sections, current = {}, None
    for node in tree.xpath("//main//h2 | //main//h2/following-sibling::*[not(self::h2)]"):
        if node.tag == "h2":
            current = _text(node)
            sections[current] = ""
        elif current:
            sections[current] += " " + _text(node)
    return sections


def test_privacy_notice_names_controller_dpo_basis_retention_and_the_garante(client, site_tree):
    tree = _doc(client, "/privacy/")
    headings = [_text(h) for h in tree.xpath("//main//h2")]
    for required in ("Titolare del trattamento", "Responsabile della protezione dei dati", "Base giuridica",
                     "Per quanto tempo conserviamo i dati", "Reclamo al Garante"):
        assert required in headings, required
    assert tree.xpath('//main//a[starts-with(@href, "https://www.garanteprivacy.it")]')


def test_accessibility_statement_has_date_status_feedback_and_agid_procedure(client, site_tree):
    tree = _doc(client, "/accessibilita/")
    text = _text(tree.xpath("//main")[0])
    assert "Stato di conformità" in text and "parzialmente conforme" in text
    assert "Data di redazione" in text
    assert tree.xpath('//main//a[starts-with(@href, "mailto:")]')  # the feedback mechanism
    assert tree.xpath('//main//a[starts-with(@href, "https://form.agid.gov.it")]')  # AgID's procedure


def test_footer_links_note_legali_contacts_and_an_html_site_map(client, site_tree):
    tree = _doc(client, "/")
    links = {_text(a): a.get("href") for a in tree.xpath("//footer//a")}
    assert links["Note legali"] == "/note-legali/"
    assert links["Mappa del sito"] == "/mappa-del-sito/"
    assert links["Dichiarazione di accessibilità"] == "/accessibilita/"
    assert links["Privacy"] == "/privacy/"
    assert tree.xpath('//footer//a[starts-with(@href, "mailto:")]')  # contacts
    assert _text(_doc(client, "/note-legali/").xpath("//h1")[0]) == "Note legali"
    assert client.get("/sitemap.xml").status_code == 200  # kept for robots


def test_html_site_map_lists_public_pages_and_the_zone_not_drafts_or_members_only(client, site_tree):
    practice = builders.practice(parent=site_tree["buone-pratiche"], title="Pratica visibile")
    hidden = builders.practice(parent=site_tree["buone-pratiche"], title="Pratica riservata")
    builders.restrict(hidden)
    builders.practice(parent=site_tree["buone-pratiche"], title="Pratica in bozza", publish=False)
    tree = _doc(client, "/mappa-del-sito/")
    assert _text(tree.xpath("//h1")[0]) == "Mappa del sito"
    hrefs = {a.get("href") for a in tree.xpath("//main//a")}
    for url in ("/seminari/", "/buone-pratiche/", "/privacy/", "/zone/", practice.url, "/zone/mugello/"):
        assert url in hrefs, url
    text = _text(tree.xpath("//main")[0])
    assert "Pratica riservata" not in text and "Pratica in bozza" not in text


def test_content_pages_show_last_update_share_and_print(client, site_tree):
    news = builders.news(parent=site_tree["notizie"], title="Una notizia da condividere")
    tree = _doc(client, news.url)
    updated = tree.xpath('//main//*[contains(@class, "last-update")]')[0]
    when = timezone.localtime(news.last_published_at)
    assert _text(updated).startswith("Ultimo aggiornamento:")
    assert formats.date_format(when, "DATE_FORMAT") in _text(updated)
    assert updated.xpath(".//time")[0].get("datetime") == when.date().isoformat()
    share = tree.xpath('//main//*[@aria-labelledby="share-heading"]//a')
    targets = {_text(a): a.get("href") for a in share}
    assert set(targets) == {"Email", "Facebook", "LinkedIn", "X", "WhatsApp"}
    from portal import public_urls

    encoded = quote(public_urls.page_url(news), safe="")
    assert all(encoded in href for href in targets.values()), targets
    assert tree.xpath('//main//*[@data-print][normalize-space()="Stampa"]')
    # the legal pages (simple pages) say when they were updated too
    assert _doc(client, "/privacy/").xpath('//main//*[contains(@class, "last-update")]//time')


def _long_page(headings):
    body = []
    for heading in headings:
        body += [{"type": "heading", "value": heading}, {"type": "paragraph", "value": "<p>Testo della sezione.</p>"}]
    page, _ = ensure_page(home_page(), StandardPage, f"pagina-{len(headings)}", title=f"Pagina di {len(headings)} sezioni",
                          summary="Prova.", body=BodyBlock().to_python(body))
    return page


def test_long_pages_get_a_page_index_short_ones_do_not(client, site_tree):
    tree = _doc(client, _long_page(["Chi siamo", "Come lavoriamo", "Contatti e sedi"]).url)
    index = tree.xpath('//nav[@aria-label="Indice della pagina"]')
    assert len(index) == 1
    links = [(_text(a), a.get("href")) for a in index[0].xpath(".//a")]
    assert [t for t, _ in links] == ["Chi siamo", "Come lavoriamo", "Contatti e sedi"]
    for _, href in links:
        assert tree.xpath(f'//main//h2[@id="{href[1:]}"]'), href
    assert not _doc(client, _long_page(["Una", "Due"]).url).xpath('//nav[@aria-label="Indice della pagina"]')
