"""MJML rendered with MRML: valid HTML, a text part, personalisation by zona, one render per segment."""
from __future__ import annotations

import datetime
from html import unescape

import pytest

from tests.newsletter import factories
from tests.newsletter.factories import aware

pytestmark = pytest.mark.django_db

IN_WINDOW = aware(datetime.date(2027, 1, 20))


@pytest.fixture
def zoned_edition():
    zona_x, zona_y = factories.zona("Zona Empolese Test"), factories.zona("Zona Lunigiana Test")
    pages = {
        "practice_x": factories.practice("Pratica dell'Empolese", IN_WINDOW, zona_x),
        "practice_y": factories.practice("Pratica della Lunigiana", IN_WINDOW, zona_y),
        "general": factories.news("Notizia per tutte le Zone", IN_WINDOW),
        "norm": factories.norm("DGR per tutti", IN_WINDOW),
    }
    edition = factories.sendable_edition(pages.values())
    edition.editorial = '<p>Buon anno a <b>tutte</b> le Zone. Vedi <a href="/notizie/">le notizie</a>.</p>'
    edition.save()
    return edition, zona_x, zona_y, pages


def _parse_html(source: str):
    from lxml import etree

    parser = etree.HTMLParser(recover=False)
    return etree.fromstring(source.encode(), parser)


def test_full_edition_is_valid_html_with_a_text_part(zoned_edition):
    from newsletter.rendering import render_edition

    edition, _x, _y, pages = zoned_edition
    rendered = render_edition(edition)
    tree = _parse_html(rendered.html)
    assert tree.tag == "html"
    headings = ["".join(h.itertext()).strip() for h in tree.iter("h2")]
    assert headings == ["Editoriale", "Quadro normativo", "Buone pratiche dalle Zone", "Notizie"]
    links = [a.get("href") for a in tree.iter("a")]
    for page in pages.values():
        assert f"https://cdp.example.it{page.url}" in links
    assert "https://cdp.example.it/notizie/" in links, "rich-text links made absolute"
    assert all(href.startswith("https://cdp.example.it/") or href.startswith("__NEWSLETTER_") for href in links), links
    # no tracking pixels: the one image is the portal's logo, the same static file for every subscriber
    assert [img.get("src") for img in tree.iter("img")] == ["https://cdp.example.it/static/newsletter/mail-logo.png"]
    assert rendered.items_count == 4 and not rendered.is_partial
    assert "Pratica dell'Empolese" in rendered.text and "== QUADRO NORMATIVO ==" in rendered.text
    assert "Buon anno a tutte le Zone" in rendered.text and "<b>" not in rendered.text
    assert rendered.subject == "Newsletter n. 1 - gennaio/febbraio 2027"


def test_zona_x_subscriber_gets_x_and_general_items_not_y(zoned_edition):
    from newsletter.editions import Preferences
    from newsletter.rendering import render_edition

    edition, zona_x, zona_y, pages = zoned_edition
    for_x = render_edition(edition, Preferences(zone_ids=frozenset({zona_x.pk})))
    html_x = unescape(for_x.html)
    assert "Pratica dell'Empolese" in html_x and "Pratica dell'Empolese" in for_x.text
    assert "Pratica della Lunigiana" not in html_x and "Pratica della Lunigiana" not in for_x.text
    assert "Notizia per tutte le Zone" in html_x and "DGR per tutti" in html_x
    assert for_x.is_partial and for_x.items_count == 3
    assert "Leggi l'edizione completa" in html_x
    assert "https://cdp.example.it/newsletter/archivio/1/" in for_x.text

    for_y = render_edition(edition, Preferences(zone_ids=frozenset({zona_y.pk})))
    html_y = unescape(for_y.html)
    assert "Pratica della Lunigiana" in html_y and "Pratica dell'Empolese" not in html_y
    _parse_html(for_y.html)


def test_mjml_errors_raise():
    from newsletter.rendering import MjmlError, mjml_to_html

    with pytest.raises(MjmlError):
        mjml_to_html("<mjml><mj-body><mj-section><mj-column><mj-text>aperto</mj-column></mj-section></mj-body></mjml>")
    with pytest.raises(MjmlError):
        mjml_to_html("<mj-body></mj-body>")
    assert "<html" in mjml_to_html("<mjml><mj-body><mj-section><mj-column><mj-text>ok</mj-text></mj-column></mj-section></mj-body></mjml>")


def test_broken_template_fails_the_preview_loudly(zoned_edition, settings, tmp_path, admin_client):
    from newsletter.rendering import MjmlError

    edition, *_ = zoned_edition
    broken = tmp_path / "newsletter" / "mail"
    broken.mkdir(parents=True)
    (broken / "edition.mjml").write_text("<mjml><mj-body><mj-section>{{ edition.title }}</mj-body></mjml>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    with pytest.raises(MjmlError):
        admin_client.get(f"/admin/newsletter/edition/preview/{edition.pk}/")


def test_one_render_per_segment(zoned_edition):
    from newsletter import delivery_rows
    from newsletter.models import Delivery, Edition, SegmentRender

    edition, zona_x, zona_y, _pages = zoned_edition
    for n in range(3):
        factories.subscriber(f"x{n}@example.it", zones=[zona_x])
    for n in range(2):
        factories.subscriber(f"y{n}@example.it", zones=[zona_y])
    factories.subscriber("tutto1@example.it")
    factories.subscriber("tutto2@example.it")
    factories.subscriber("sospeso@example.it", status="unsubscribed")
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    assert delivery_rows.fan_out(edition) == 7
    renders = {r.key: r for r in SegmentRender.objects.filter(edition=edition)}
    assert set(renders) == {"all", f"z{zona_x.pk}-t", f"z{zona_y.pk}-t"}
    assert renders["all"].items_count == 4 and renders[f"z{zona_x.pk}-t"].items_count == 3
    assert delivery_rows.fan_out(edition) == 7, "fan-out again: no duplicate rows"
    assert Delivery.objects.filter(edition=edition).count() == 7 and SegmentRender.objects.count() == 3


def test_archive_feed_and_web_version(zoned_edition, client):
    import feedparser
    from django.utils import timezone

    from newsletter.models import Edition

    edition, *_ = zoned_edition
    assert client.get("/newsletter/archivio/1/").status_code == 404, "not public before it is sent"
    Edition.objects.filter(pk=edition.pk).update(status="sent", sent_at=timezone.now())
    page = client.get("/newsletter/archivio/")
    assert page.status_code == 200 and "n. 1 - gennaio/febbraio 2027" in page.content.decode()
    web = client.get("/newsletter/archivio/1/")
    body = web.content.decode()
    assert web.status_code == 200 and "Pratica della Lunigiana" in body and "Buone pratiche dalle Zone" in body
    feed = feedparser.parse(client.get("/newsletter/feed/").content)
    assert feed.bozo == 0
    [entry] = feed.entries
    assert entry.link == "https://cdp.example.it/newsletter/archivio/1/"
    assert "Quadro normativo: DGR per tutti" in entry.summary
