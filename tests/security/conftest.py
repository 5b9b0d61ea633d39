"""Fixtures of the security tests: a small corpus, people in every role (search on Elasticsearch: tests/conftest.py's
``shared_elasticsearch``)."""
from __future__ import annotations

import pytest

from tests.support.figures import pytest_terminal_summary, report  # noqa: F401  (summary hook)


@pytest.fixture
def database_search(settings):
    """Search on the database (no Elasticsearch configured)."""
    from search.engine import client as search_client

    settings.ELASTICSEARCH_URLS = []
    search_client.reset()
    yield
    search_client.reset()


def drain(index) -> None:
    """Apply the search outbox and make the result visible."""
    from search.indexing.outbox import apply_pending

    apply_pending()
    if index.read_indices():
        index.client.indices.refresh(index=index.read_alias)


def build_corpus():
    """A few public pages of each kind, some with markup in their text (it must come back escaped)."""
    from datetime import date

    from tests import builders

    zona = builders.zona("val-di-nievole", "Val di Nievole")
    topic = builders.topic("lavoro", "Lavoro")
    dgr = builders.norm("Linee guida integrazione sociale e lavoro", "544", date(2023, 5, 15), topics=[topic])
    return [
        dgr,
        builders.practice("Équipe multidisciplinare della Valdinievole", "L'inclusione nel territorio.",
                         zona_obj=zona, body="Il lavoro dell'équipe <b>multidisciplinare</b> & i CPI.", topics=[topic]),
        builders.news("Guida <script>alert('titolo')</script> all'inclusione", "Per l'inclusione <img src=x onerror=alert(1)>."),
        builders.seminar("Seminario sull'attività dei Centri per l'Impiego", "Servizi e lavoro."),
        builders.data("Progetti avviati nel 2023", "544 progetti in Toscana."),
        builders.workshop("Laboratorio \"presa in carico\"", "Il lavoro di rete."),
    ]


def site_tree():
    """Home page with the seminars and practices index pages (as tests/accounts builds them)."""
    from types import SimpleNamespace

    from cms.demo.builder import ensure_page, home_page
    from cms.models import PracticeIndexPage, SeminarIndexPage

    home = home_page()
    seminars, _ = ensure_page(home, SeminarIndexPage, "seminari", title="Seminari")
    practices, _ = ensure_page(home, PracticeIndexPage, "buone-pratiche", title="Buone pratiche")
    return SimpleNamespace(home=home, seminars=seminars, practices=practices)
