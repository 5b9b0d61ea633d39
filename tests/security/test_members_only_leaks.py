"""Members-only content is absent from every public channel, for anonymous and unverified visitors.

Reserved content: a news item and a practice under a login restriction, a page below a
restricted parent, a seminar whose materials are reserved, and the documents they use; the
aliases of those pages (made while their sources were public), a seminar restricted to a group
(with seats and an online link), and the attachments of practices unpublished or deleted;
all tagged for the newsletter and published in the edition's window, with words and a
zona nobody else uses. Channels: the pages (title and login prompt only), listings,
zona pages, search (Elasticsearch and database) with facet counts, autocomplete,
RSS/Atom, iCalendar, sitemap, API, practice exports, the newsletter edition built for
that window, the direct document URLs and seminar registration. A verified member then finds
the same content (the test would notice if the content were simply not there). The run prints
requests and leaks per channel.
"""
from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from django.test import Client

from tests.accounts.conftest import make_document, make_member, make_seminar
from tests.security.conftest import drain, report, site_tree

pytestmark = [pytest.mark.django_db]

SECRET_WORD = "cardamomo"  # in the reserved summaries and bodies only
SECRET_TITLE = "Verbalericercato"  # in the reserved titles only
SECRET_ZONA = "zona-riservata-xyz"
WINDOW = (datetime.date(2027, 1, 1), datetime.date(2027, 2, 28))


def _reserved_world(before_restricting=lambda: None):
    from wagtail.models import PageViewRestriction

    from cms.models import NewsIndexPage, NewsPage, PracticeIndexPage, PracticePage
    from tests.newsletter import factories
    from tests import builders

    tree = site_tree()
    when = factories.aware(datetime.date(2027, 1, 15))
    secret_zona = builders.zona(SECRET_ZONA, "Zona Riservata Xyz")
    public_zona = builders.zona("val-di-nievole", "Val di Nievole")
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
        builders.practice("Pratica pubblica", "Aperta a tutti.", zona_obj=public_zona),
    ]
    aliases = _aliases_made_before_the_restriction(tree, news_index, practice_index, public_zona, when, before_restricting)
    group_seminar = _group_seminar(tree)
    gone_documents = _taken_down_practices(practice_index, public_zona, when)
    # the page itself shows its title to everyone (with a login prompt): only its content is reserved
    return {"reserved": [news, practice, child, *aliases, group_seminar], "aliases": aliases,
            "documents": [reserved_doc, slides], "gone_documents": gone_documents, "seminar": seminar,
            "group_seminar": group_seminar, "public": public}


def _aliases_made_before_the_restriction(tree, news_index, practice_index, zona, when, before_restricting):
    """Aliases of public pages, indexed while public (``before_restricting``), whose sources then become
    members-only (directly, or their section)."""
    from wagtail.models import PageViewRestriction

    from cms.models import NewsPage, PracticePage
    from tests.newsletter import factories

    source = factories.publish(news_index, NewsPage(
        title=f"{SECRET_TITLE} fonte", slug="fonte-notizia", summary=f"Fonte {SECRET_WORD}.", date=when.date(),
        body=[("paragraph", f"<p>Testo {SECRET_WORD}.</p>")]), published=when)
    practice = factories.publish(practice_index, PracticePage(
        title=f"{SECRET_TITLE} fonte pratica", slug="fonte-pratica", summary=f"Fonte {SECRET_WORD}.",
        owner_body="SdS", activities=f"<p>{SECRET_WORD}</p>", evaluation_level="emergente", zona=zona), published=when)
    section = factories.publish(news_index, NewsPage(
        title="Sezione riservata", slug="sezione-riservata", summary="Sezione.", date=when.date()), published=when, tags=())
    nested = factories.publish(section, NewsPage(
        title=f"{SECRET_TITLE} annidata", slug="annidata", summary=f"Annidata {SECRET_WORD}.", date=when.date()),
        published=when)
    aliases = [source.create_alias(update_slug="copia-riservata"),
               practice.create_alias(update_slug="copia-pratica-riservata"),
               nested.create_alias(parent=news_index, update_slug="copia-annidata")]
    before_restricting()
    for restricted in (source, practice, section):
        PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    return [alias.specific for alias in aliases]


def _group_seminar(tree):
    """A seminar restricted to a group, with seats and an online link (ids are sequential: easy to guess)."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    seminar = make_seminar(tree, "seminario-del-tavolo", capacity=20, format="online", online_link=SECRET_LINK,
                           title=f"{SECRET_TITLE} seminario del tavolo", summary=f"Tavolo {SECRET_WORD}.")
    restriction = PageViewRestriction.objects.create(page=seminar, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get_or_create(name="Tavolo regionale")[0]])
    return seminar


def _taken_down_practices(practice_index, zona, when):
    """Approved practices with an attachment, then one unpublished and one deleted: their files go too."""
    from cms.models import PracticePage
    from tests.newsletter import factories

    documents = []
    for slug in ("ritirata", "cancellata"):
        document = make_document(f"{SECRET_TITLE} allegato {slug}", f"{slug}-allegato.pdf")
        page = factories.publish(practice_index, PracticePage(
            title=f"{SECRET_TITLE} pratica {slug}", slug=f"pratica-{slug}", summary=f"Pratica {SECRET_WORD}.",
            owner_body="SdS", evaluation_level="emergente", zona=zona,
            attachments=[("document", {"document": document, "description": "relazione"})]), published=when, tags=())
        page.unpublish() if slug == "ritirata" else page.delete()
        documents.append(document)
    return documents


SECRET_LINK = "https://meet.example.it/tavolo-riservato"
RESERVED_SLUGS = ("notizia-riservata", "pratica-riservata", "cartella-riservata/figlia", "allegato-riservato", "slide-riservate",
                  "copia-riservata", "copia-pratica-riservata", "copia-annidata", "seminario-del-tavolo", SECRET_LINK,
                  "ritirata-allegato", "cancellata-allegato", "pratica-ritirata", "pratica-cancellata")


def _leaks(body: str, echoed: str = "") -> list[str]:
    """Reserved words, titles and URLs in a body (the visitor's own query, echoed back, excepted)."""
    return [marker for marker in (SECRET_WORD, SECRET_TITLE, *RESERVED_SLUGS)
            if marker in body and marker.lower() not in echoed.lower()]


def _family(channel: str) -> str:
    """The channel a check belongs to, for the totals: 'search elasticsearch q=...' -> 'search elasticsearch'."""
    for family in ("search elasticsearch", "search database", "autocomplete elasticsearch", "autocomplete database",
                   "listing", "feed", "API", "export", "document", "page", "registration", "calendar"):
        if channel.startswith(family):
            return family
    return channel


class Channels:
    def __init__(self):
        self.checked: list[str] = []
        self.leaks: list[tuple[str, str, list[str]]] = []

    def check(self, who: str, channel: str, body: str, echoed: str = "") -> None:
        self.checked.append(channel)
        found = _leaks(body, echoed)
        if found:
            self.leaks.append((who, channel, found))

    def expect(self, who: str, channel: str, response, statuses: tuple[int, ...], echoed: str = "") -> None:
        """A request that must be refused with one of ``statuses`` and show nothing reserved."""
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.check(who, channel, body.decode(errors="replace"), echoed)
        if response.status_code not in statuses or b"%PDF" in body:
            self.leaks.append((who, channel, [f"HTTP {response.status_code}"]))

    def totals(self) -> dict[str, str]:
        """channel -> 'requests N, leaks M'."""
        requests: dict[str, int] = {}
        leaks: dict[str, int] = {}
        for channel in self.checked:
            requests[_family(channel)] = requests.get(_family(channel), 0) + 1
        for _who, channel, _found in self.leaks:
            leaks[_family(channel)] = leaks.get(_family(channel), 0) + 1
        return {name: f"requests {n}, leaks {leaks.get(name, 0)}" for name, n in sorted(requests.items())}


def _visit_every_channel(client: Client, who: str, world, channels: Channels, backend: str) -> None:
    from django.core.cache import cache

    cache.clear()
    get = lambda path, **params: client.get(path, params)  # noqa: E731
    for page in world["reserved"]:
        response = get(page.url)
        channels.checked.append(f"page {page.url}")
        body = response.content.decode()
        if response.status_code != 403 or SECRET_WORD in body:
            channels.leaks.append((who, f"page {page.url}", [f"HTTP {response.status_code}"]))
        else:
            assert "Riservato agli operatori" in body or "verifica" in body.lower(), (who, page.url)
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
    channels.expect(who, "calendar of the group seminar", get(f"/seminari/{world['group_seminar'].pk}.ics"), (404,))
    channels.check(who, "sitemap", get("/sitemap.xml").content.decode())
    channels.check(who, "HTML site map", get("/mappa-del-sito/").content.decode())
    for page in world["reserved"]:  # the month calendar of each reserved event's month
        start = getattr(page.specific, "start", None)
        if start is not None:
            month = timezone.localtime(start)
            channels.check(who, f"month calendar {month:%Y-%m}",
                           get(f"/calendario/{month.year}/{month.month}/").content.decode())
    api = get("/api/v2/pages/", fields="*", limit=100)
    channels.check(who, "API pages", api.content.decode())
    for page in world["reserved"]:
        channels.expect(who, f"API detail {page.pk}", get(f"/api/v2/pages/{page.pk}/"), (404,))
    channels.check(who, "API search", get("/api/v2/pages/", search=SECRET_WORD).content.decode())
    for fmt in ("csv", "json"):
        response = get(f"/export/buone-pratiche.{fmt}")
        if response.status_code == 200:
            channels.check(who, f"export {fmt}", b"".join(response.streaming_content).decode()
                           if response.streaming else response.content.decode())
    # (the login prompt names a reserved document, as it names a reserved page, and echoes its URL)
    for document in world["documents"]:
        channels.expect(who, f"document {document.filename}", get(document.url), (403,),
                        echoed=f"{document.url} {document.title}")
    for document in world["gone_documents"]:
        channels.expect(who, f"document {document.filename} (practice taken down)", get(document.url), (403, 404),
                        echoed=document.url)
    seminar = world["group_seminar"]
    channels.expect(who, "registration to the group seminar", client.post(f"/account/seminari/{seminar.pk}/iscrizione/"),
                    (302, 403))


def _newsletter_leaks() -> list[str]:
    from newsletter.editions import build_edition, edition_items
    from newsletter.rendering import render_edition

    edition, _created = build_edition(*WINDOW)
    titles = [item.title for item in edition_items(edition)]
    rendered = render_edition(edition)
    return _leaks(" ".join(titles) + rendered.html + rendered.text), titles


def _member_outside_the_group_registers(verified, world, channels: Channels) -> None:
    """A verified member not in the seminar's group guesses its id: no seat, no mail with its link."""
    from portal.accounts.models import Registration

    client = Client()
    client.force_login(verified)
    seminar = world["group_seminar"]
    channels.expect("operatrice", "registration to the group seminar",
                    client.post(f"/account/seminari/{seminar.pk}/iscrizione/"), (403,))
    channels.checked.append("registration seats")
    if Registration.objects.filter(seminar_id=seminar.pk).exists():
        channels.leaks.append(("operatrice", "registration seats", ["a seat was taken"]))


@pytest.mark.services
def test_members_only_content_is_absent_from_every_public_channel(shared_elasticsearch, settings):
    from search.engine import client as search_client

    world = _reserved_world(before_restricting=lambda: drain(shared_elasticsearch))
    drain(shared_elasticsearch)
    assert shared_elasticsearch.client.count(index=shared_elasticsearch.read_alias)["count"] >= 5
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
    _member_outside_the_group_registers(verified, world, channels)
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
        if page is not world["group_seminar"]:  # the member is not in its group
            assert member.get(page.url).status_code == 200, page.url
    for document in world["documents"]:
        assert member.get(document.url).status_code == 200

    for document in world["gone_documents"]:
        response = member.get(document.url)
        if response.status_code == 200:
            channels.leaks.append(("operatrice", f"document {document.filename} (practice taken down)", ["HTTP 200"]))

    report(
        "Members-only content across public channels (anonymous and unverified, both search backends)",
        reserved_items=len(world["reserved"]) + len(world["documents"]) + len(world["gone_documents"]) + 1,
        aliases=len(world["aliases"]),
        requests=len(channels.checked),
        **{f"channel {name}": figures for name, figures in channels.totals().items()},
        newsletter_items=newsletter_titles,
        member_finds_reserved=found,
        items_leaked=channels.leaks or 0,
    )
    assert not channels.leaks, channels.leaks
    assert all(found.values()), f"control: the verified member must find the reserved content {found}"
    assert any("Notizia pubblica" in t for t in newsletter_titles), "control: public content is in the edition"
