"""Fixtures of the search tests: a per-session index prefix and a fresh index per test.

The prefix is the session's one (tests/support/index_prefix.py), set in the
environment at collection, before any fixture runs, so that the real Celery worker
process, started later by the ``celery_worker`` fixture with a copy of the
environment, writes to the same indices as the test. Every index and synonyms set of the session is deleted at
the end.
"""
from __future__ import annotations

import os

import pytest

from tests.support.index_prefix import SESSION_PREFIX
from tests.support.waiting import wait_for


@pytest.fixture(autouse=True)
def _search_settings(settings):
    """Tests run without Elasticsearch (database search) unless they use the ``es`` fixture."""
    from search.engine import client as search_client

    settings.ELASTICSEARCH_INDEX_PREFIX = SESSION_PREFIX
    settings.ELASTICSEARCH_URLS = []
    search_client.reset()
    yield
    search_client.reset()


@pytest.fixture(scope="session", autouse=True)
def _drop_session_indices():
    yield
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        return
    from elasticsearch import Elasticsearch

    from search.indexing.synonyms import set_name

    client = Elasticsearch(url.split(",")[0], request_timeout=30)
    try:
        names = list(client.indices.get(index=f"{SESSION_PREFIX}-*", expand_wildcards="all").keys())
        for name in names:
            client.indices.delete(index=name)
        client.synonyms.delete_synonym(id=set_name(SESSION_PREFIX))
    except Exception:
        pass


class Elastic:
    """The harness's Elasticsearch node (Elastic's 8.19 server, analysis filters from the harness plugin), with this test's fresh index."""

    def __init__(self, url: str):
        from search.engine.versions import VersionedIndex

        self.url = url
        self.index = VersionedIndex()
        self.client = self.index.client

    def create(self) -> str:
        from search.indexing.outbox import ensure_index

        return ensure_index(self.index)[0]

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.index.read_alias)

    def drain(self):
        """Apply the outbox (what the after-commit task does) and make the result searchable."""
        from search.indexing.outbox import apply_pending

        report = apply_pending()
        if self.index.read_indices():
            self.refresh()
        return report

    def search(self, q: str = "", **kwargs):
        from search.querying.contract import SearchRequest
        from search.querying.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend().search(SearchRequest(q=q, **kwargs))

    def ids(self, q: str = "", **kwargs) -> list[int]:
        return [h.page_id for h in self.search(q, per_page=50, **kwargs).hits]

    def document(self, page_id: int) -> dict | None:
        from elasticsearch import NotFoundError

        try:
            return self.client.get(index=self.index.read_alias, id=str(page_id))["_source"]
        except NotFoundError:
            return None

    def count(self) -> int:
        return self.client.count(index=self.index.read_alias)["count"]

    def wait_for(self, predicate, timeout: float = 30.0, interval: float = 0.25):
        """The first truthy ``predicate()`` on the refreshed index (tests.support.waiting polls)."""
        def on_the_refreshed_index():
            if not self.index.read_indices():
                return None
            self.refresh()
            return predicate()

        return wait_for(on_the_refreshed_index, timeout, "a condition on the search index", interval)


@pytest.fixture
def es(elasticsearch_url, settings):
    """Elasticsearch on for this test, with no index yet (created on first write or by es.create())."""
    from search.engine import client as search_client

    settings.ELASTICSEARCH_URLS = [elasticsearch_url]
    search_client.reset()
    helper = Elastic(elasticsearch_url)
    helper.index.drop_everything()
    yield helper
    helper.index.drop_everything()


@pytest.fixture
def dead_elasticsearch_url():
    """A loopback port nobody listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def member(db):
    from django.contrib.auth import get_user_model

    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_user(username="operatrice", email="operatrice@example.it", password="x-Pass-12345")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def unverified_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="nuova", email="nuova@example.it", password="x-Pass-12345")
