"""Every page type renders, with only the required fields and with all of them."""
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from lxml import html as lxml_html
from wagtail.documents import get_document_model

from cms.models import NormRelation, PracticeContact, SeminarSpeaker
from tests import builders

pytestmark = pytest.mark.django_db


def _doc():
    Document = get_document_model()
    doc = Document(title="Scheda di sintesi")
    doc.file.save("scheda.txt", ContentFile(b"testo"), save=False)
    doc.save()
    return doc


def _materials(doc):
    return [("document", {"document": doc, "description": "Sintesi"}), ("link", {"title": "Sito", "url": "https://example.org/"})]


def _get(client, page):
    response = client.get(page.url)
    assert response.status_code == 200, page.url
    return response.content.decode()


def _jsonld(content):
    tree = lxml_html.fromstring(content)
    blocks = tree.xpath('//script[@type="application/ld+json"]/text()')
    return [json.loads(b) for b in blocks]


def test_minimal_pages_render(client, site_tree):
    pages = [
        builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10)),
        builders.workshop(parent=site_tree["laboratori"], sessions=[]),
        builders.practice(parent=site_tree["buone-pratiche"]),
        builders.norm(parent=site_tree["quadro-normativo"]),
        builders.data(parent=site_tree["dati"]),
        builders.news(parent=site_tree["notizie"]),
    ]
    for page in pages:
        content = _get(client, page)
        assert f"<h1 id=\"page-title\">{page.title}</h1>" in content
        assert 'aria-label="Percorso di navigazione"' in content
        assert 'property="og:title"' in content


def test_full_pages_render_every_section(client, site_tree):
    doc = _doc()
    dgr = builders.norm(parent=site_tree["quadro-normativo"], number="544", title="Linee guida integrazione", full_text_url="https://example.org/dgr",
                 full_text_document=doc, body="<p>Commento all'atto.</p>", note="nota", topics=[builders.topic()])
    older = builders.norm(parent=site_tree["quadro-normativo"], number="917", date=date(2021, 9, 6))
    NormRelation.objects.create(source=dgr, target=older, kind="richiama")
    start = timezone.now() - timedelta(days=3)
    seminar = builders.seminar(
        parent=site_tree["seminari"], start=start, end=start + timedelta(hours=2), format="misto", place="Firenze",
        online_link="https://example.org/stanza", programme="<ul><li>Apertura</li></ul>", body="<p>Presentazione</p>",
        recording_url="https://example.org/video", materials=_materials(doc), zones=[builders.zona()], topics=[builders.topic()],
        related_norms=[dgr], tags=["newsletter"],
        speakers=[SeminarSpeaker(name="Ufficio di Supporto CTSSM", role="responsabile", organisation="CTSSM Bologna",
                                 kind="external", contribution="Le priorità del welfare metropolitano")],
    )
    content = _get(client, seminar)
    for text in ("Programma", "Relatori e testimonianze", "contributo esterno", "Le priorità del welfare metropolitano",
                 "Guarda la registrazione", "Sintesi", "/documents/", "Val di Nievole", "Concluso", "DGR 544/2023"):
        assert text in content, text
    assert _jsonld(content)[0]["@type"] == "Event"

    workshop = builders.workshop(
        parent=site_tree["laboratori"], sessions=[builders.in_days(5)], body="<p>Testo</p>", services="Servizi sociali\nCPI", facilitators="IRS",
        findings=[("works", ["équipe stabile"]), ("does_not_work", ["ruoli confusi"])], outputs="<p>Scheda</p>",
        materials=_materials(doc), zones=[builders.zona()], topics=[builders.topic()], related_norms=[dgr],
    )
    content = _get(client, workshop)
    for text in ("Cosa funziona", "équipe stabile", "Cosa non funziona", "ruoli confusi", "Sessioni", "Prodotti", "Servizi sociali"):
        assert text in content, text

    practice = builders.practice(
        parent=site_tree["buone-pratiche"], partners="ARTI\nComuni", partner_kinds=["sds", "cpi"], target_groups="Persone fragili",
        objectives="<p>Obiettivo</p>", activities="<p>Metodo</p>", core_team="Servizio sociale\nCPI",
        extended_team="Ser.D", tools="<p>Scheda unica di segnalazione</p>", data_protection="<p>Minimizzazione</p>",
        funding_sources=["pnrr", "fnps"], funding_note="Dettaglio", period_end=date(2025, 2, 1), results="<p>Risultati</p>",
        evaluation_level="buona_pratica", criteria_met=["trasferibilita", "misurabilita"], lessons_learned="<p>Lezioni</p>",
        attachments=_materials(doc), related_norms=[dgr], topics=[builders.topic()],
    )
    practice.contacts = [PracticeContact(service="Servizio sociale", email="servizio@example.org")]
    practice.save_revision().publish()
    content = _get(client, practice)
    for text in ("Équipe minima", "Équipe allargata", "Scheda unica di segnalazione", "Protezione dei dati", "PNRR, FNPS",
                 "trasferibilità, misurabilità", "Lezioni apprese", "servizio@example.org", "Allegati", "Stampa"):
        assert text in content, text
    assert _jsonld(content)[0]["@type"] == "Article"

    content = _get(client, dgr)
    for text in ("urn:nir:regione.toscana:delibera.giunta:2023-05-15;544", "Richiama", "Testo integrale",
                 practice.title, seminar.title):
        assert text in content, text
    data = _jsonld(content)[0]
    assert data["@type"] == "Legislation" and data["legislationIdentifier"].startswith("urn:nir:")
    assert "Richiamata da" in _get(client, older)

    first = builders.data(parent=site_tree["dati"], indicator="Beneficiari", value=Decimal(100), period_label="2020", period_end=date(2020, 12, 31),
                   unit="persone", note="Nota", source_url="https://example.org/fonte")
    second = builders.data(parent=site_tree["dati"], indicator="Beneficiari", value=Decimal(250), period_label="2021", period_end=date(2021, 12, 31),
                    unit="persone")
    content = _get(client, second)
    assert "<svg" in content and 'role="img"' in content and "Andamento nel tempo" in content
    assert "250 persone" in content and first.period_label in content

    news = builders.news(parent=site_tree["notizie"], body=[("heading", "Titolo interno"), ("paragraph", "<p>Paragrafo</p>")],
                  attachments=_materials(doc), zones=[builders.zona()], related_norms=[dgr])
    content = _get(client, news)
    assert "Titolo interno" in content and "Paragrafo" in content
    assert _jsonld(content)[0]["@type"] == "Article"


def test_home_and_index_pages_render(client, site_tree):
    builders.practice(parent=site_tree["buone-pratiche"])
    builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10))
    builders.data(parent=site_tree["dati"], is_key_figure=True)
    builders.norm(parent=site_tree["quadro-normativo"])
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Ultime buone pratiche", "Prossimi appuntamenti", "Quadro normativo: ultimi aggiornamenti",
                 "I principali dati", 'role="search"'):
        assert text in content, text
    for slug, page in site_tree.items():
        assert client.get(page.url).status_code == 200, slug
    menu = [item.title for item in site_tree["seminari"].get_parent().get_children().live().in_menu()]
    assert "Seminari" in menu and "Buone pratiche" in menu


def test_zona_pages(client, site_tree):
    z = builders.zona("pistoiese")
    practice = builders.practice(parent=site_tree["buone-pratiche"], zona_obj=z)
    seminar = builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10), zones=[z])
    workshop = builders.workshop(parent=site_tree["laboratori"], sessions=[builders.in_days(5)], zones=[z])
    figure = builders.data(parent=site_tree["dati"], zona=z, indicator="Comuni associati", value=Decimal(9))
    other = builders.practice(parent=site_tree["buone-pratiche"], zona_obj=builders.zona("mugello"))
    response = client.get("/zone/pistoiese/")
    content = response.content.decode()
    assert response.status_code == 200
    for page in (practice, seminar, workshop):
        assert page.title in content
    assert figure.indicator in content and "<svg" in content
    assert other.title not in content
    assert client.get("/zone/non-esiste/").status_code == 404
    listing = client.get("/zone/").content.decode()
    assert "Toscana Centro" in listing and "/zone/pistoiese/" in listing


def test_zona_page_shows_the_latest_and_links_to_all_with_constant_queries(client, site_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    z = builders.zona("mugello")
    for n in range(14):
        builders.practice(parent=site_tree["buone-pratiche"], zona_obj=z, title=f"Pratica del Mugello {n:02d}", summary="Una pratica di prova per i test.", period_start=date(2020, 1, n + 1))
    with CaptureQueriesContext(connection) as first:
        content = client.get("/zone/mugello/").content.decode()
    assert content.count("Pratica del Mugello") == 12
    assert "Pratica del Mugello 13" in content and "Pratica del Mugello 00" not in content  # newest first
    assert "Tutte le 14 buone pratiche della zona" in content
    assert 'href="/buone-pratiche/?zona=mugello"' in content
    assert client.get("/buone-pratiche/?zona=mugello").content.decode().count("Pratica del Mugello") == 12  # its first page

    for n in range(14, 40):
        builders.practice(parent=site_tree["buone-pratiche"], zona_obj=z, title=f"Pratica del Mugello {n:02d}", summary="Una pratica di prova per i test.", period_start=date(2021, 1, n - 13))
    with CaptureQueriesContext(connection) as second:
        assert "Tutte le 40 buone pratiche della zona" in client.get("/zone/mugello/").content.decode()
    assert 0 < len(second.captured_queries) <= len(first.captured_queries)


def test_home_lists_the_soonest_workshops_once_each(site_tree):
    from cms.models.home import upcoming_events

    now = timezone.now()
    later = builders.workshop(parent=site_tree["laboratori"], title="Più avanti", sessions=[now + timedelta(days=40)])
    soon = builders.workshop(parent=site_tree["laboratori"], title="A breve", sessions=[now - timedelta(days=3), now + timedelta(days=2),
                                                                           now + timedelta(days=9)])
    builders.workshop(parent=site_tree["laboratori"], title="Concluso", sessions=[now - timedelta(days=30)])
    middle = builders.workshop(parent=site_tree["laboratori"], title="Fra due settimane", sessions=[now + timedelta(days=14)])
    _seminars, workshops = upcoming_events()
    assert [w.title for w in workshops] == [soon.title, middle.title, later.title]
