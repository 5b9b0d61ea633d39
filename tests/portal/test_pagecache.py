"""The page cache: anonymous visitors get stored pages, nobody gets a stale or a personal one.

Runs on the cache the suite is configured with: Redis under ``make test`` (CACHE_URL from
the harness, the production set-up), the in-process cache otherwise.
"""
from __future__ import annotations

import re

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.accounts.conftest import PASSWORD, make_member
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def practice(db):
    tree = builders.tree()
    return builders.practice(parent=tree["buone-pratiche"], title="Orti sociali in Valdinievole", zona_obj=builders.zona("val-di-nievole"))


def _state(response) -> str | None:
    return response.get("X-Page-Cache")


def test_second_anonymous_visit_is_served_from_the_cache_with_its_own_nonce(client, practice):
    first, second = client.get(practice.url), client.get(practice.url)
    assert (first.status_code, _state(first)) == (200, "miss")
    assert (second.status_code, _state(second)) == (200, "hit")
    def without_token(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert without_token(second) == without_token(first)
    nonces = [re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1], "a nonce is never served twice"
    for url in ("/", "/buone-pratiche/", "/buone-pratiche/?zona=val-di-nievole", "/zone/val-di-nievole/"):
        assert _state(client.get(url)) == "miss" and _state(client.get(url)) == "hit", url


def test_a_cached_page_carries_each_visitors_own_csrf_token(practice):
    """The language switch in the header is a POST form on every page: its token must work for whoever gets the page."""
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    pages = [first.get("/"), second.get("/")]
    assert [_state(p) for p in pages] == ["miss", "hit"]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p.content.decode()).group(1) for p in pages]
    assert tokens[0] != tokens[1] and "csrftoken" in pages[1].cookies
    switched = second.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens[1]})
    assert switched.status_code == 302
    assert '<html lang="en"' in second.get("/").content.decode()
    assert first.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_publishing_shows_at_once(client, practice):
    assert _state(client.get("/buone-pratiche/")) == "miss"
    practice.title = "Orti sociali e lavoro in Valdinievole"
    practice.save_revision().publish()
    listing, detail = client.get("/buone-pratiche/"), client.get(practice.url)
    assert _state(listing) == "miss" and "Orti sociali e lavoro" in listing.content.decode()
    assert "Orti sociali e lavoro" in detail.content.decode()


def test_a_page_made_reserved_is_no_longer_served_whole_to_anonymous(client, practice):
    practice.summary = "Dettagli operativi riservati"
    practice.save_revision().publish()
    assert "Dettagli operativi riservati" in client.get(practice.url).content.decode()
    PageViewRestriction.objects.create(page=practice, restriction_type=PageViewRestriction.LOGIN)
    assert "Dettagli operativi riservati" not in client.get(practice.url).content.decode()


def test_members_pages_are_neither_served_from_nor_stored_in_the_cache(practice):
    make_member("anna.bianchi@comune.example.it")
    member = Client()
    assert member.login(username="anna.bianchi", password=PASSWORD)
    anonymous = Client()
    anonymous.get("/")  # stored for anonymous visitors
    as_member = member.get("/")
    assert _state(as_member) is None
    assert "Il mio profilo" in as_member.content.decode()
    assert "Il mio profilo" not in anonymous.get("/").content.decode()


def test_pages_with_a_form_token_and_search_are_not_cached(client, practice):
    for url in ("/newsletter/", "/cerca/?q=orti"):
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code == 200
        assert _state(first) is None and _state(second) is None, url


def test_language_is_part_of_the_key(client, practice):
    italian = client.get("/")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="it"' in italian.content.decode()
    assert '<html lang="en"' in english.content.decode() and _state(english) == "miss"


def test_off_when_zero(client, practice, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert _state(client.get("/")) is None and _state(client.get("/")) is None
