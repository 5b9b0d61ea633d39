"""search_status and search_reindex as an operator runs them."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import builders

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_status_without_elasticsearch_counts_the_database():
    builders.practice("Pratica", "testo")
    builders.news("Notizia", "testo")
    out, _ = run("search_status")
    assert "non configurato" in out
    assert "practice             1" in out and "news                 1" in out


def test_reindex_refuses_without_elasticsearch():
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL"):
        run("search_reindex")


@pytest.mark.services
def test_reindex_and_status_on_elasticsearch(es):
    for n in range(3):
        builders.news(f"Notizia {n}", "testo")
    builders.practice("Pratica", "testo")
    out, _ = run("search_status")
    assert "Nessun indice" in out
    from search.models import OutboxEntry

    pending = OutboxEntry.objects.filter(processed_at__isnull=True)
    assert f"Coda (outbox): {pending.count()} righe in attesa per 4 pagine" in out

    out, err = run("search_reindex")
    assert "4 pagine caricate" in out
    assert "Indicizzazione" in err and "4/4" in err  # the tqdm progress bar
    es.refresh()
    out, _ = run("search_status")
    assert "news                 3         3" in out and "practice             1         1" in out
    assert "<- diverso" not in out
    version = es.index.version_of(es.index.read_indices()[0])
    assert f"versione {version}" in out and "sinonimi: set" in out

    out, _ = run("search_status", "--json")
    assert '"documents_total": 4' in out

    out, _ = run("search_synonyms")
    assert "applicate con: reload" in out
