"""Which restriction makes a page members-only and which hides it, without Elasticsearch (fast tier).

A page under a *login* restriction is for members: indexed with ``restricted: true``. A
password (or groups) restriction hides a page from every search, whatever else restricts it:
a page with both a login and a password restriction must stay hidden, never become
"members-only" (a member who logged in has not given the password). The slow tier checks
this on the index; here the three places that decide it are checked on the database:
``visibility`` (one page), ``BuildContext.visibilities`` (a batch, for the reindex and the
outbox) and ``indexable_pages`` (what the database search and the index may hold).
"""
from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from search import corpus
from search.indexing import documents as sources
from search.querying.contract import SearchRequest
from search.querying.database import DatabaseBackend
from tests import builders

pytestmark = pytest.mark.django_db

LOGIN, PASSWORD = PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD


@pytest.fixture
def pages():
    public = builders.practice("Orti aperti", "orticoltura per tutti")
    members = builders.practice("Orti riservati", "orticoltura per gli operatori")
    builders.restrict(members, LOGIN)
    password = builders.practice("Orti con password", "orticoltura con parola d'ordine")
    builders.restrict(password, PASSWORD, "segreta")
    both = builders.practice("Orti con accesso e password", "orticoltura doppiamente protetta")
    builders.restrict(both, LOGIN)
    builders.restrict(both, PASSWORD, "segreta")
    return {"public": public, "members": members, "password": password, "both": both}


EXPECTED = {"public": corpus.PUBLIC, "members": corpus.MEMBERS, "password": corpus.HIDDEN, "both": corpus.HIDDEN}


def test_one_page_login_is_members_password_hides_even_with_login(pages):
    assert {name: corpus.visibility(page) for name, page in pages.items()} == EXPECTED


def test_a_batch_decides_the_same_as_one_page(pages):
    seen = sources.BuildContext().visibilities(list(pages.values()))
    assert {name: seen[page.pk] for name, page in pages.items()} == EXPECTED


def test_documents_a_login_and_password_page_is_never_indexed(pages):
    documents = {name: sources.document_for(page) for name, page in pages.items()}
    assert documents["both"] is None and documents["password"] is None
    assert documents["members"]["restricted"] is True and documents["public"]["restricted"] is False


def test_database_search_shows_a_login_and_password_page_to_no_one(pages):
    indexable = set(corpus.indexable_pages(members=True).values_list("pk", flat=True))
    assert pages["both"].pk not in indexable and pages["password"].pk not in indexable
    as_member = {hit.page_id for hit in DatabaseBackend().search(SearchRequest(q="orticoltura", user_is_member=True)).hits}
    anonymous = {hit.page_id for hit in DatabaseBackend().search(SearchRequest(q="orticoltura")).hits}
    assert as_member == {pages["public"].pk, pages["members"].pk}
    assert anonymous == {pages["public"].pk}
