"""Fixtures of the deployment tests: the session's Elasticsearch index prefix, never the default one.

The harness's Elasticsearch is shared: publishing in these tests indexes pages (the outbox
runs after commit), and must not write into another run's ``cdp-*`` indices. The prefix is
the session's one (tests/support/index_prefix.py), in the environment the processes these tests
start inherit; every index and synonyms set of the session is deleted at the end.
"""
from __future__ import annotations

import os

import pytest

from tests.support.figures import pytest_terminal_summary  # noqa: F401  (figures summary hook)
from tests.support.index_prefix import SESSION_PREFIX  # one prefix for the session, every directory


def drop_indexes(prefix: str) -> None:
    """Every version and the synonyms set of ``prefix`` on the harness's Elasticsearch."""
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        return
    from elasticsearch import Elasticsearch

    from search.engine.versions import VersionedIndex

    client = Elasticsearch(url.split(","))
    VersionedIndex(client, prefix=prefix).drop_everything()
    client.options(ignore_status=404).synonyms.delete_synonym(id=f"{prefix}-synonyms")


@pytest.fixture(autouse=True)
def _own_index_prefix(settings):
    from search.engine import client as search_client

    settings.ELASTICSEARCH_INDEX_PREFIX = SESSION_PREFIX
    search_client.reset()
    yield
    search_client.reset()


@pytest.fixture(scope="session", autouse=True)
def _drop_session_indexes():
    yield
    drop_indexes(SESSION_PREFIX)
