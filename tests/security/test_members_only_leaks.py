"""Members-only content is absent from every public channel, for anonymous and unverified visitors.

Reserved content: a news item and a practice under a login restriction, a page below a
restricted parent, a seminar whose materials are reserved, and the documents they use;
all tagged for the newsletter and published in the edition's window, with words and a
zona nobody else uses. Channels: the pages (title and login prompt only), listings,
zona pages, search (Elasticsearch and database) with facet counts, autocomplete,
RSS/Atom, iCalendar, sitemap, API, practice exports, the newsletter edition built for
that window, and the direct document URLs. A verified member then finds the same
content (the test would notice if the content were simply not there).
"""
from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from tests.accounts.conftest import make_document, make_member, make_seminar
from tests.security.conftest import drain, report, site_tree

pytestmark = [pytest.mark.django_db]

SECRET_WORD = "cardamomo"  # in the reserved summaries and bodies only
SECRET_TITLE = "Verbalericercato"  # in the reserved titles only
SECRET_ZONA = "zona-riservata-xyz"
WINDOW = (datetime.date(2027, 1, 1), datetime.date(2027, 2, 28))


def _reserved_world():
    from wagtail.models import PageViewRestriction

    from cms.models import NewsIndexPage, NewsPage, PracticeIndexPage, PracticePage
    from tests.newsletter import factories
    from tests.search import content

    tree = site_tree()
    when = factories.aware(datetime.date(2027, 1, 15))
    secret_zona = content.zona(SECRET_ZONA, "Zona Riservata Xyz")
    public_zona = content.zona("val-di-nievole", "Val di Nievole")
    news_index = factories.index(NewsIndexPage, "notizie")
    practice_index = PracticeIndexPage.objects.first() or tree.practices
    reserved_doc = make_document(f"{SECRET_TITLE} allegato", "allegato-riservato.pdf")
    slides = make_document(f"{SECRET_TITLE} slide", "slide-riservate.pdf")

    news = factories.publish(news_index, NewsPage(
        title=f"{SECRET_TITLE} notizia", slug="notizia-riservata", summary=f"Notizia {SECRET_WORD}.", date=when.date(),
        attachments=[("document", {"document": reserved_doc, "description": "allegato"})],
    ), published=when, m2m={"zones": [secret_zona]})
    practice = factories.publish(practice_index, PracticePage(
        title=f"{SECRET_TITLE} pratica", slug="pratica-riservata", summary=f"Pratica {SECRET_WORD}.", zona=secret_zona,
        owner_body="SdS", activities=f"<p>{SECRET_WORD}</p>", evaluation_level="emergente",
    ), published=when)
    for page in (news, practice):
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    folder = factories.publish(news_index, NewsPage(
        title="Cartella riservata", slug="cartella-riservata", summary="Cartella.", date=when.date()), published=when, tags=())
    PageViewRestriction.objects.create(page=folder, restriction_type=PageViewRestriction.LOGIN)
    child = factories.publish(folder, NewsPage(
        title=f"{SECRET_TITLE} figlia", slug="figlia", summary=f"Figlia {SECRET_WORD}.", date=when.date()), published=when)
    seminar = make_seminar(tree, "seminario-materiali-riservati", members_only_materials=True, documents=[slides],
                           summary="Seminario pubblico con materiali riservati.")
    public = [
        factories.publish(news_index, NewsPage(title="Notizia pubblica", slug="notizia-pubblica", summary="Aperta a tutti.",
                                               date=when.date()), published=when, m2m={"zones": [public_zona]}),
        content.practice("Pratica pubblica", "Aperta a tutti.", zona_obj=public_zona),
    ]
    # the page itself shows its title to everyone (with a login prompt): only its content is reserved
    return {"reserved": [news, practice, child], "documents": [reserved_doc, slides], "seminar": seminar, "public": public}


RESERVED_SLUGS = ("notizia-riservata", "pratica-riservata", "cartella-riservata/figlia", "allegato-riservato", "slide-riservate")


def _leaks(body: str, echoed: str = "") -> list[str]:
    """Reserved words, titles and URLs in a body (the visitor's own query, echoed back, excepted)."""
    words = [w for w in (SECRET_WORD, SECRET_TITLE) if w.lower() not in echoed.lower()]
    return [marker for marker in (*words, *RESERVED_SLUGS) if marker in body]


class Channels:
    def __init__(self):
        self.checked: list[str] = []
        self.leaks: list[tuple[str, str, list[str]]] = []

    def check(self, who: str, channel: str, body: str, echoed: str = "") -> None:
        self.checked.append(channel)
        found = _leaks(body, echoed)
        if found:
            self.leaks.append((who, channel, found))


def _visit_every_channel(client: Client, who: str, world, channels: Channels, backend: str) -> None:
    from django.core.cache import cache

    cache.clear()
    get = lambda path, **params: client.get(path, params)  # noqa: E731
    for page in world["reserved"]:
        response = get(page.url)
        assert response.status_code == 403, (who, page.url, response.status_code)
        body = response.content.decode()
        assert SECRET_WORD not in body, (who, page.url)
        assert "Riservato agli operatori" in body or "verifica" in body.lower()
    seminar_page = get(world["seminar"].url).content.decode()
    channels.check(who, "seminar page (materials)", seminar_page)
    # (Zone are public taxonomy terms: their names may be listed; what they hold may not.)
    for path in ("/", "/notizie/", "/buone-pratiche/", "/zone/", "/zone/val-di-nievole/", f"/zone/{SECRET_ZONA}/"):
        response = get(path)
        if response.status_code == 200:
            channels.check(who, f"listing {path}", response.content.decode())
    for query in (SECRET_WORD, SECRET_TITLE, "notizia", "pratica", ""):
        channels.check(who, f"search {backend} q={query!r}", get("/cerca/", q=query).content.decode(), echoed=query)
        suggestions = json.loads(get("/cerca/suggerimenti/", q=query or "no").content)["suggestions"]
        channels.check(who, f"autocomplete {backend} {query!r}", json.dumps(suggestions, ensure_ascii=False))
    everything = get("/cerca/", q="").content.decode()
    channels.checked.append(f"search {backend} facet counts")
    if f'value="{SECRET_ZONA}"' in everything:  # a facet value only reserved content has
        channels.leaks.append((who, f"search {backend} facet counts", [SECRET_ZONA]))
    channels.check(who, f"search {backend} filtered by the reserved zona", get("/cerca/", zona=SECRET_ZONA).content.decode())
    for kind in ("notizie", "buone-pratiche", "seminari", "norme"):
        for flavour in ("rss", "atom"):
            response = get(f"/feeds/{kind}/{flavour}/")
            if response.status_code == 200:
                channels.check(who, f"feed {kind}/{flavour}", response.content.decode())
    channels.check(who, "calendar", get("/seminari.ics").content.decode())
    channels.check(who, "sitemap", get("/sitemap.xml").content.decode())
    api = get("/api/v2/pages/", fields="*", limit=100)
    channels.check(who, "API pages", api.content.decode())
    for page in world["reserved"]:
        detail = get(f"/api/v2/pages/{page.pk}/")
        assert detail.status_code == 404, (who, "API detail", page.pk, detail.status_code)
    channels.check(who, "API search", get("/api/v2/pages/", search=SECRET_WORD).content.decode())
    for fmt in ("csv", "json"):
        response = get(f"/export/buone-pratiche.{fmt}")
        if response.status_code == 200:
            channels.check(who, f"export {fmt}", b"".join(response.streaming_content).decode()
                           if response.streaming else response.content.decode())
    for document in world["documents"]:
        response = get(document.url)
        assert response.status_code == 403, (who, document.title, response.status_code)
        assert b"%PDF" not in (b"".join(response.streaming_content) if response.streaming else response.content)


def _newsletter_leaks() -> list[str]:
    from newsletter.editions import build_edition, edition_items
    from newsletter.rendering import render_edition

    edition, _created = build_edition(*WINDOW)
    titles = [item.title for item in edition_items(edition)]
    rendered = render_edition(edition)
    return _leaks(" ".join(titles) + rendered.html + rendered.text), titles


@pytest.mark.services
def test_members_only_content_is_absent_from_every_public_channel(es_index, settings):
    from search.engine import client as search_client

    world = _reserved_world()
    drain(es_index)
    assert es_index.client.count(index=es_index.read_alias)["count"] >= 5
    channels = Channels()
    unverified = make_member("non.verificata@example.it", verified=False)
    verified = make_member("operatrice@example.it")
    es_urls = list(settings.ELASTICSEARCH_URLS)
    for backend, urls in (("elasticsearch", es_urls), ("database", [])):
        settings.ELASTICSEARCH_URLS = urls
        search_client.reset()
        _visit_every_channel(Client(), "anonimo", world, channels, backend)
        unverified_client = Client()
        unverified_client.force_login(unverified)
        _visit_every_channel(unverified_client, "non verificato", world, channels, backend)
    newsletter_leaks, newsletter_titles = _newsletter_leaks()
    channels.checked.append("newsletter edition")
    if newsletter_leaks:
        channels.leaks.append(("abbonati", "newsletter edition", newsletter_leaks))

    # Positive control: a verified member finds the reserved content where members may.
    member = Client()
    member.force_login(verified)
    found = {}
    for backend, urls in (("elasticsearch", es_urls), ("database", [])):
        settings.ELASTICSEARCH_URLS = urls
        search_client.reset()
        found[backend] = SECRET_TITLE in member.get("/cerca/", {"q": SECRET_WORD}).content.decode()
        found[f"{backend} facet"] = f'value="{SECRET_ZONA}"' in member.get("/cerca/", {"q": ""}).content.decode()
    for page in world["reserved"]:
        assert member.get(page.url).status_code == 200
    for document in world["documents"]:
        assert member.get(document.url).status_code == 200

    report(
        "Members-only content across public channels (anonymous and unverified, both search backends)",
        reserved_items=len(world["reserved"]) + len(world["documents"]) + 1,
        channel_checks=len(channels.checked),
        distinct_channels=len(set(c.split(" q=")[0].split(" '")[0] for c in channels.checked)),
        newsletter_items=newsletter_titles,
        member_finds_reserved=found,
        items_leaked=channels.leaks or 0,
    )
    assert not channels.leaks, channels.leaks
    assert all(found.values()), f"control: the verified member must find the reserved content {found}"
    assert any("Notizia pubblica" in t for t in newsletter_titles), "control: public content is in the edition"
