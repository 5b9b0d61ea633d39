"""Members-only content does not leave through a page alias (fast tier: SQLite, database search).

Wagtail's restriction checks on querysets go by tree path, and an alias lives at another path:
an alias of a page that becomes members-only (directly, or because its source sits under a
restricted section) must be as invisible as its source on every public channel.
"""
from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.django_db]

SECRET_WORD = "zafferano"  # in the sources' summaries and bodies only
SECRET_TITLE = "Copiariservata"  # in the sources' titles (and so the aliases') only


def _aliased_world():
    """An alias made while its source was public; then the source (or its section) becomes members-only."""
    from wagtail.models import PageViewRestriction

    from cms.models import NewsIndexPage, NewsPage
    from tests import builders

    news_index = builders.index_of(NewsPage)
    source = builders.news(f"{SECRET_TITLE} notizia", f"Notizia {SECRET_WORD}.", body=f"Testo {SECRET_WORD} riservato.")
    news_alias = source.create_alias(update_slug="copia-della-notizia")
    practice = builders.practice(f"{SECRET_TITLE} pratica", f"Pratica {SECRET_WORD}.", body=f"Attività {SECRET_WORD}.")
    practice_alias = practice.create_alias(update_slug="copia-della-pratica")
    folder = news_index.add_child(instance=NewsIndexPage(title="Cartella", slug="cartella"))
    folder.save_revision().publish()
    nested = folder.add_child(instance=NewsPage(title=f"{SECRET_TITLE} annidata", slug="annidata",
                                                summary=f"Annidata {SECRET_WORD}."))
    nested.save_revision().publish()
    nested_alias = nested.create_alias(parent=news_index, update_slug="copia-annidata")
    for restricted in (source, practice, folder):
        PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    public = builders.news("Notizia pubblica", "Aperta a tutti.")
    return {"aliases": [news_alias, practice_alias, nested_alias], "public": public}


def _leaks(body: str, echoed: str = "") -> list[str]:
    markers = [m for m in (SECRET_WORD, SECRET_TITLE) if m.lower() not in echoed.lower()]
    markers += ["copia-della-notizia", "copia-della-pratica", "copia-annidata"]
    return [m for m in markers if m in body]


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def test_aliases_of_members_only_pages_reach_no_public_channel(client, database_search):
    world = _aliased_world()
    aliases = world["aliases"]
    leaks = {}
    for alias in aliases:
        status = client.get(alias.url).status_code
        if status != 403:
            leaks[f"page {alias.url}"] = status

    def check(channel, response, echoed=""):
        assert response.status_code < 500, (channel, response.status_code)
        found = _leaks(_body(response), echoed)
        if found:
            leaks[channel] = found

    for path in ("/", "/notizie/", "/buone-pratiche/", "/zone/val-di-nievole/"):
        check(f"listing {path}", client.get(path))
    for kind in ("notizie", "buone-pratiche"):
        for flavour in ("rss", "atom"):
            check(f"feed {kind}/{flavour}", client.get(f"/feeds/{kind}/{flavour}/"))
    check("sitemap", client.get("/sitemap.xml"))
    for query in (SECRET_WORD, SECRET_TITLE):
        check(f"search {query}", client.get("/cerca/", {"q": query}), echoed=query)
        check(f"autocomplete {query}", client.get("/cerca/suggerimenti/", {"q": query}), echoed=query)
    check("API list", client.get("/api/v2/pages/", {"fields": "*", "limit": 100}))
    check("API search", client.get("/api/v2/pages/", {"search": SECRET_WORD}), echoed=SECRET_WORD)
    for alias in aliases:
        detail = client.get(f"/api/v2/pages/{alias.pk}/")
        if detail.status_code != 404:
            leaks[f"API detail {alias.pk}"] = _leaks(_body(detail)) or detail.status_code
    for fmt in ("csv", "json"):
        check(f"export {fmt}", client.get(f"/export/buone-pratiche.{fmt}"))
    assert not leaks, leaks
    assert "Notizia pubblica" in client.get("/notizie/").content.decode(), "control: the public news is listed"


def test_one_answer_for_a_page_and_a_queryset(rf, database_search):
    """cms.visibility.visible: the alias, its source and the nested alias are hidden from anonymous
    visitors and visible to a verified member, page by page and in a queryset alike."""
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import Page

    from cms.visibility import visible
    from tests.accounts.conftest import make_member

    world = _aliased_world()
    ids = [a.pk for a in world["aliases"]] + [world["public"].pk]
    anonymous = rf.get("/")
    anonymous.user = AnonymousUser()
    member = rf.get("/")
    member.user = make_member("operatrice@example.it")
    for alias in world["aliases"]:
        assert not visible(alias, anonymous)
        assert visible(alias, member)
    assert visible(world["public"], anonymous)
    assert set(visible(Page.objects.filter(pk__in=ids), anonymous).values_list("pk", flat=True)) == {world["public"].pk}
    assert set(visible(Page.objects.filter(pk__in=ids), member).values_list("pk", flat=True)) == set(ids)
