"""The search page and the autocomplete endpoint: filters in the URL, facets, escaping, bad input."""
from __future__ import annotations

import re

import pytest
from wagtail.models import PageViewRestriction

from search.engine import client as search_client
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    z1 = builders.zona("valle-alta", "Valle Alta")
    z2 = builders.zona("costa-bassa", "Costa Bassa", "nord-ovest")
    made = {
        "a": builders.practice("Orti <b>condivisi</b> in valle", "orticoltura sociale", zona_obj=z1),
        "b": builders.practice("Orti in costa", "orticoltura urbana", zona_obj=z2),
        "c": builders.news("Notizia sull'orticoltura", "orticoltura nelle scuole", zones=[z1]),
        "r": builders.practice("Orti riservati", "orticoltura riservata", zona_obj=z1),
    }
    builders.restrict(made["r"], PageViewRestriction.LOGIN)
    for n in range(12):
        builders.news(f"Rassegna {n}", "orticoltura in rassegna")
    return made


def test_search_page_shows_results_facets_and_keeps_filters_in_the_url(client, pages):
    response = client.get("/cerca/", {"q": "orticoltura", "zona": "valle-alta"})
    assert response.status_code == 200
    html = response.content.decode()
    assert pages["c"].url in html and pages["a"].url in html
    assert pages["b"].url not in html  # filtered out by the zona
    # facets are fieldsets of checkboxes, the chosen one ticked, the others still offered with counts
    assert re.search(r'<fieldset class="search-facet[^"]*">\s*<legend[^>]*>Zona distretto</legend>', html)
    assert re.search(r'name="zona" value="valle-alta"\s+id="[^"]+" checked', html)
    assert re.search(r'name="zona" value="costa-bassa"\s+id="[^"]+">', html)
    assert pages["r"].url not in html  # anonymous visitor
    assert 'role="search"' in html and "search-hit" in html


def test_titles_are_escaped_and_only_marks_are_markup(client, pages):
    html = client.get("/cerca/", {"q": "orti condivisi"}).content.decode()
    assert "<b>condivisi</b>" not in html
    assert "&lt;b&gt;" in html


def test_pagination_links_keep_query_and_filters(client, pages):
    html = client.get("/cerca/", {"q": "orticoltura", "tipo": "news", "ordina": "data"}).content.decode()
    assert 'aria-label="Paginazione dei risultati"' in html
    assert "?q=orticoltura&amp;tipo=news&amp;ordina=data&amp;pagina=2" in html
    second = client.get("/cerca/", {"q": "orticoltura", "tipo": "news", "ordina": "data", "pagina": "2"})
    assert second.status_code == 200 and 'aria-current="page">2<' in second.content.decode()


def test_members_see_login_restricted_results(client, pages, member):
    client.force_login(member)
    html = client.get("/cerca/", {"q": "orticoltura riservata"}).content.decode()
    assert pages["r"].url in html and "Riservato agli iscritti" in html


def test_logged_in_users_without_a_verified_email_do_not_see_restricted_results(client, pages, unverified_user):
    client.force_login(unverified_user)
    html = client.get("/cerca/", {"q": "orticoltura", "tipo": "practice"}).content.decode()
    assert pages["a"].url in html
    assert pages["r"].url not in html and "Orti riservati" not in html


def test_no_inline_scripts(client, pages):
    html = client.get("/cerca/", {"q": "orticoltura"}).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "portal/search-autocomplete.js" in html and "search/search-page.js" in html


BAD_PARAMS = [
    {"q": '"unbalanced'}, {"q": "OR"}, {"q": "- -"}, {"q": "x" * 10_240}, {"q": "a\x00b\x1bc"},
    {"q": "orticoltura", "pagina": "abc"}, {"q": "orticoltura", "pagina": "99999999999999999999"},
    {"q": "orticoltura", "pagina": "-1"}, {"ordina": "zzz"}, {"zona": "<script>"}, {"anno": "20x4"},
    {"tipo": ["news", "news", "nope"]}, {"quando": "ieri"}, {"q": "%00%ff"}, {"q": "\\"},
]


def _check_bad_params(client):
    """Every malformed request answers 200 (the page and the autocomplete)."""
    for params in BAD_PARAMS:
        response = client.get("/cerca/", params)
        assert response.status_code == 200, params
        response = client.get("/cerca/suggerimenti/", {"q": params.get("q", "x")})
        assert response.status_code == 200, params


def test_malformed_input_answers_200_on_the_database(client, pages):
    _check_bad_params(client)
    html = client.get("/cerca/", {"q": "x" * 10_240}).content.decode()
    assert "accorciata" in html  # told, not silently cut


@pytest.mark.services
def test_malformed_input_answers_200_on_elasticsearch(client, es, pages):
    es.drain()
    assert es.count() == 16
    _check_bad_params(client)
    assert "search-fallback-notice" not in client.get("/cerca/", {"q": '"unbalanced OR'}).content.decode()


@pytest.mark.services
def test_suggestion_and_results_from_elasticsearch(client, es, pages):
    es.drain()
    html = client.get("/cerca/", {"q": "scuule"}).content.decode()  # short word: no typo allowance
    assert "search-fallback-notice" not in html
    assert "Forse cercavi" in html and "?q=scuole" in html
    html = client.get("/cerca/", {"q": "scuole"}).content.decode()
    assert pages["c"].url in html and "Forse cercavi" not in html


def test_unreachable_elasticsearch_falls_back_with_a_notice(client, pages, settings, dead_elasticsearch_url):
    settings.ELASTICSEARCH_URLS = [dead_elasticsearch_url]
    search_client.reset()
    response = client.get("/cerca/", {"q": "orticoltura urbana"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "search-fallback-notice" in html and pages["b"].url in html


@pytest.mark.services
def test_missing_index_falls_back_with_a_notice(client, es, pages):
    """Elasticsearch up, no index yet (a fresh cluster before search_reindex): both searches of
    the request are refused inside a 200 msearch answer, and the visitor still gets results."""
    assert es.index.read_indices() == []
    response = client.get("/cerca/", {"q": "orticoltura urbana"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "search-fallback-notice" in html and pages["b"].url in html


def test_no_notice_when_elasticsearch_is_not_configured(client, pages):
    assert "search-fallback-notice" not in client.get("/cerca/", {"q": "orticoltura"}).content.decode()


def test_autocomplete_on_the_database(client, pages):
    data = client.get("/cerca/suggerimenti/", {"q": "costa"}).json()
    assert data["query"] == "costa"
    assert [s["title"] for s in data["suggestions"]] == ["Orti in costa"]
    assert data["suggestions"][0]["type_label"] and data["suggestions"][0]["url"].startswith("/")
    assert client.get("/cerca/suggerimenti/", {"q": "o"}).json()["suggestions"] == []
    assert "Orti riservati" not in str(client.get("/cerca/suggerimenti/", {"q": "orti"}).json())


@pytest.mark.services
def test_autocomplete_on_elasticsearch_completes_word_prefixes(client, es, pages):
    es.drain()
    titles = [s["title"] for s in client.get("/cerca/suggerimenti/", {"q": "orti cos"}).json()["suggestions"]]
    assert titles == ["Orti in costa"]
    titles = [s["title"] for s in client.get("/cerca/suggerimenti/", {"q": "orti"}).json()["suggestions"]]
    assert "Orti riservati" not in titles and "Orti in costa" in titles
