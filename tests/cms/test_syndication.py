"""Feeds, calendars, sitemap, API and exports: parsed with real parsers, public content only."""
import csv
import io
import json
from datetime import date, timedelta

import feedparser
import pytest
from django.utils import timezone
from icalendar import Calendar
from lxml import etree

from tests import builders

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def mixed(site_tree):
    """For each type: one public page, one draft, one unpublished and one private page."""
    makers = {
        "seminari": lambda **kw: builders.seminar(parent=site_tree["seminari"], start=builders.in_days(10), **kw),
        "laboratori": lambda **kw: builders.workshop(parent=site_tree["laboratori"], sessions=[builders.in_days(5)], **kw),
        "buone-pratiche": lambda **kw: builders.practice(parent=site_tree["buone-pratiche"], zona_obj=builders.zona("pistoiese"),
                                                    period_start=date(2023, 6, 1), **kw),
        "quadro-normativo": lambda **kw: builders.norm(parent=site_tree["quadro-normativo"], **kw),
        "dati": lambda **kw: builders.data(parent=site_tree["dati"], zona=builders.zona("pistoiese"), indicator=kw["title"], **kw),
        "notizie": lambda **kw: builders.news(parent=site_tree["notizie"], **kw),
    }
    extra = {"seminari": {"zones": [builders.zona("pistoiese")]}, "laboratori": {"zones": [builders.zona("pistoiese")]}}
    public, hidden = {}, {}
    for slug, build in makers.items():
        kw = extra.get(slug, {})
        public[slug] = build(title=f"Pubblico {slug}", **kw)
        draft = build(title=f"Bozza {slug}", publish=False, **kw)
        gone = builders.unpublish(build(title=f"Ritirato {slug}", **kw))
        private = build(title=f"Riservato {slug}", **kw)
        builders.restrict(private)
        hidden[slug] = [draft, gone, private]
    return public, hidden


def _hidden_titles(hidden):
    return [p.title for pages in hidden.values() for p in pages]


@pytest.mark.parametrize("kind,slug", [("notizie", "notizie"), ("buone-pratiche", "buone-pratiche"),
                                       ("seminari", "seminari"), ("norme", "quadro-normativo")])
@pytest.mark.parametrize("flavour", ["rss", "atom"])
def test_feeds_parse_and_list_only_public(client, mixed, kind, slug, flavour):
    public, hidden = mixed
    response = client.get(f"/feeds/{kind}/{flavour}/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == ("rss20" if flavour == "rss" else "atom10")
    titles = [entry.title for entry in feed.entries]
    assert any(public[slug].title in t for t in titles)
    for title in _hidden_titles(hidden):
        assert not any(title in t for t in titles)
    assert feed.entries[0].link.startswith("http")


def test_unknown_feed_is_404_and_english_aliases_work(client, mixed):
    assert client.get("/feeds/ricette/rss/").status_code == 404
    english = feedparser.parse(client.get("/feeds/practices/atom/").content)
    assert [e.title for e in english.entries] == [mixed[0]["buone-pratiche"].title]


def test_seminar_ics(client, mixed):
    public, hidden = mixed
    seminar = public["seminari"]
    response = client.get(f"/seminari/{seminar.pk}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == seminar.title
    assert events[0].decoded("DTSTART") == seminar.start.replace(microsecond=0)
    assert b"DTSTART;TZID=Europe/Rome:" in response.content
    assert events[0]["DTSTART"].params["TZID"] == "Europe/Rome"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]
    for page in hidden["seminari"]:
        assert client.get(f"/seminari/{page.pk}.ics").status_code == 404


def test_calendar_feed_has_upcoming_seminars_and_workshop_sessions(client, mixed, site_tree):
    public, hidden = mixed
    old = builders.seminar(parent=site_tree["seminari"], start=timezone.now() - timedelta(days=60), title="Seminario passato")
    response = client.get("/seminari.ics")
    cal = Calendar.from_ical(response.content)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert public["seminari"].title in summaries
    assert f"{public['laboratori'].title} (laboratorio)" in summaries
    assert old.title not in summaries
    for title in _hidden_titles(hidden):
        assert not any(title in s for s in summaries)
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert {e["DTSTART"].params["TZID"] for e in cal.walk("VEVENT")} == {"Europe/Rome"}
    assert len(cal.walk("VTIMEZONE")) == 1


def test_sitemap_lists_only_public_pages_and_zones(client, mixed):
    public, hidden = mixed
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    locs = [loc.text for loc in root.xpath("//s:url/s:loc", namespaces=SITEMAP_NS)]
    for page in public.values():
        assert any(loc.endswith(page.url) for loc in locs), page.url
    for pages in hidden.values():
        for page in pages:
            assert not any(loc.endswith(page.url) for loc in locs), page.url
    assert any(loc.endswith("/zone/val-di-nievole/") for loc in locs)


def test_api_lists_only_public_live_pages(client, mixed):
    public, hidden = mixed
    response = client.get("/api/v2/pages/", {"limit": 100})
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["items"]]
    for page in public.values():
        assert page.title in titles
    for title in _hidden_titles(hidden):
        assert title not in titles
    detail = client.get(f"/api/v2/pages/{public['buone-pratiche'].pk}/")
    assert detail.status_code == 200 and detail.json()["meta"]["type"] == "cms.PracticePage"
    for page in hidden["buone-pratiche"]:
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
    typed = client.get("/api/v2/pages/", {"type": "cms.PracticePage", "fields": "summary,evaluation_level,period_start"})
    assert typed.status_code == 200
    items = typed.json()["items"]
    assert [i["title"] for i in items] == [public["buone-pratiche"].title]
    assert items[0]["evaluation_level"] == "emergente" and items[0]["period_start"] == "2023-06-01"


def test_listings_and_zona_page_show_only_public(client, mixed, site_tree):
    public, hidden = mixed
    for slug, index in site_tree.items():
        if slug not in public:  # the community, privacy and accessibility pages list nothing
            continue
        content = client.get(index.url).content.decode()
        assert public[slug].title in content
        for page in hidden[slug]:
            assert page.title not in content
    zona_page = client.get("/zone/pistoiese/").content.decode()
    for slug in ("seminari", "laboratori", "buone-pratiche", "dati"):
        assert public[slug].title in zona_page  # for figures the indicator, here equal to the title
        for page in hidden[slug]:
            assert page.title not in zona_page
    home = client.get("/").content.decode()
    for title in _hidden_titles(hidden):
        assert title not in home
    for pages in hidden.values():
        for page in pages:
            assert client.get(page.url).status_code in (302, 403, 404)  # login wall or not found


def test_practice_export_honours_filters_and_hides_non_public(client, mixed, site_tree):
    public, hidden = mixed
    other = builders.practice(parent=site_tree["buone-pratiche"], zona_obj=builders.zona("elba"), title="Pratica dell'Elba", funding_sources=["pnrr"])
    data = client.get("/export/buone-pratiche.json").json()
    titles = [row["titolo"] for row in data["results"]]
    assert public["buone-pratiche"].title in titles and other.title in titles
    for page in hidden["buone-pratiche"]:
        assert page.title not in titles
    filtered = client.get("/export/buone-pratiche.json", {"zona": "elba"}).json()
    assert [row["titolo"] for row in filtered["results"]] == [other.title]
    assert filtered["results"][0]["fonti_finanziamento"] == ["PNRR"]
    assert filtered["results"][0]["azienda_usl"] == "Toscana Nord Ovest"

    response = client.get("/export/buone-pratiche.csv", {"ausl": "nord-ovest"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["id", "titolo", "indirizzo"]
    assert [r[1] for r in rows[1:]] == [other.title]

    bad = client.get("/export/buone-pratiche.json", {"level": "eccellente"})
    assert bad.status_code == 400 and "Filtri non validi" in json.dumps(bad.json(), ensure_ascii=False)
    assert client.get("/export/buone-pratiche.xml").status_code == 404
