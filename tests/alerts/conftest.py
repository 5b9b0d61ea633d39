"""Fixtures of the alerts tests: the search tests' Elasticsearch helpers (same session prefix),
the percolator index dropped around each test, and mail settings."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.search.conftest import (  # noqa: F401  (fixtures shared with the search tests)
    Elastic, _drop_session_indices, _search_settings, es, member,
)


@pytest.fixture(autouse=True)
def _alerts_settings(settings):
    from django.core.cache import cache

    settings.PUBLIC_BASE_URL = "https://cdp.example.it"
    settings.DEFAULT_FROM_EMAIL = "Comunità di Pratica Inclusione <noreply@cdp.example.it>"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def percolator(es):
    """The alerts' percolator index, dropped before and after the test."""
    from alerts.percolator import AlertIndex

    index = AlertIndex()
    index.drop_everything()
    yield index
    index.drop_everything()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^\s>\"']+", text_of(message))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def digest_pages(message) -> list[str]:
    """The titles a digest lists (its "- title" lines)."""
    return sorted(line[2:].replace(" (aggiornato)", "") for line in text_of(message).splitlines() if line.startswith("- "))


def unsubscribe_url(message) -> str:
    return re.search(r"<(https?:[^>]+)>", str(message["List-Unsubscribe"])).group(1)
