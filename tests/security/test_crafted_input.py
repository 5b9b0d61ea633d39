"""Crafted input the outside probe sent (issue 14, item 7): each answers 4xx, never 5xx, never "manutenzione".

Runs on the session's database: PostgreSQL under ``make test``, SQLite in the fast tier
(``env -u DATABASE_URL ...``), where FTS5 syntax errors and 64-bit overflows used to surface.
"""
from __future__ import annotations

import pytest

from tests.security.conftest import build_corpus, site_tree

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond 64 bits
BIG = str(2**63)  # one past the largest 64-bit integer


@pytest.fixture
def corpus(database_search):
    build_corpus()


def _assert_refused(response, *allowed):
    body = response.content.decode("utf-8", "replace")
    assert response.status_code in allowed, (response.status_code, body[:300])
    assert "manutenzione" not in body.lower(), "a bad input is not an outage"


@pytest.mark.parametrize("query", ['"', "+", "\x00", 'a"b', "NEAR(", "*", "a AND", "-", "(", '"unterminated', "^"])
def test_api_search_with_query_syntax_is_not_an_error(client, corpus, query):
    response = client.get("/api/v2/pages/", {"search": query})
    _assert_refused(response, 200, 400)


def test_api_search_with_thousands_of_words_is_400(client, corpus):
    """The database backend nests one node per word: 5,000 words used to exhaust the recursion limit (500)."""
    _assert_refused(client.get("/api/v2/pages/", {"search": "parola " * 5_000}), 400)


@pytest.mark.parametrize("param,value", [
    ("offset", HUGE), ("offset", BIG), ("limit", HUGE), ("offset", "-1"), ("offset", "x"),
    ("child_of", HUGE), ("descendant_of", HUGE), ("id", HUGE), ("type", "x.Y"), ("type", "\x00"),
    ("fields", "*,-"), ("fields", "_,title("), ("order", "-\x00"), ("order", "bogus"), ("search_operator", "xor"),
])
def test_api_parameters_out_of_range_are_400(client, corpus, param, value):
    response = client.get("/api/v2/pages/", {param: value})
    _assert_refused(response, 400)


def test_api_detail_with_a_huge_id_is_404(client, corpus):
    _assert_refused(client.get(f"/api/v2/pages/{HUGE}/"), 404)
    _assert_refused(client.get(f"/api/v2/pages/{BIG}/"), 404)


@pytest.mark.parametrize("path", [
    f"/seminari/{HUGE}.ics", f"/seminari/{BIG}.ics", f"/newsletter/archivio/{HUGE}/",
])
def test_huge_ids_in_public_urls_are_404(client, db, path):
    site_tree()
    _assert_refused(client.get(path), 404)


@pytest.mark.parametrize("action", ["iscrizione", "annulla"])
@pytest.mark.parametrize("page_id", [HUGE, BIG])
def test_huge_ids_in_member_urls_are_404(client, db, action, page_id):
    from tests.accounts.conftest import make_member

    site_tree()
    client.force_login(make_member("curiosa@example.it"))
    _assert_refused(client.post(f"/account/seminari/{page_id}/{action}/"), 404)
    _assert_refused(client.post(f"/account/buone-pratiche/{page_id}/passo/1/", {"title": "x"}), 404)


@pytest.mark.parametrize("value", [HUGE, BIG, "-" + BIG + "0"])
def test_profile_topics_out_of_range_are_a_form_error(client, db, value):
    from tests.accounts.conftest import make_member

    client.force_login(make_member("profilo@example.it"))
    response = client.post("/account/profilo/modifica/", {"organisation": "Comune", "topics": [value], "zona": value})
    _assert_refused(response, 400)
    assert "topics" in response.context["form"].errors


@pytest.mark.parametrize("field", ["topics", "zones"])
def test_newsletter_choices_out_of_range_are_a_form_error(client, db, field):
    response = client.post("/newsletter/iscrizione/", {"email": "x@example.it", "privacy": "on", field: [HUGE]})
    _assert_refused(response, 400)


@pytest.mark.django_db(transaction=True)
def test_a_query_syntax_error_is_not_read_as_an_outage(rf):
    """The 500 handler tells an outage (503, "retry") from a query the database refused (500).

    Transactional: the handler looks at the connection, as it does in a request (no test transaction around it).
    """
    from django.db import OperationalError, connection

    from portal.views import server_error

    with connection.cursor() as cursor:
        try:
            if connection.vendor == "sqlite":
                cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_probe USING fts5(body)")
                cursor.execute("SELECT * FROM temp.fts_probe WHERE fts_probe MATCH ?", ['"'])
            else:
                cursor.execute("SELECT to_tsquery('simple', '&&&')")
        except Exception as exc:  # the error the backend raises for a malformed query
            error = exc
        else:
            pytest.fail("the probe query was accepted")
    try:
        raise error
    except Exception:
        response = server_error(rf.get("/api/v2/pages/?search=%22"))
    assert response.status_code == 500, "a malformed query is a bug to fix, not an outage to retry"
    assert isinstance(error, OperationalError) or connection.vendor != "sqlite"
