"""After an upgrade, ``search_status`` says whether the index must be rebuilt (README, "Upgrading").

Each index version records the schema (mapping and analysis) of the code that built it; an
index built by an earlier release with another schema is reported, and ``search_reindex``
clears the report.
"""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests import builders

pytestmark = [pytest.mark.services, pytest.mark.django_db]

WARNING = "eseguire manage.py search_reindex"


def status() -> str:
    out = StringIO()
    call_command("search_status", stdout=out)
    return out.getvalue()


def test_search_status_says_when_an_upgrade_changed_the_index_schema(shared_elasticsearch):
    from search.engine.versions import VersionedIndex
    from search.indexing.status import collect

    builders.news("Notizia prima dell'aggiornamento", "testo")
    call_command("search_reindex", stdout=StringIO(), stderr=StringIO())
    index = VersionedIndex()
    in_step = status()

    # an index as an earlier release built it: same name scheme, another schema
    older = index.create(meta={"schema": "0123456789ab"})
    index.switch_to(older)
    after_upgrade = status()
    flagged = collect()["index"]

    call_command("search_reindex", stdout=StringIO(), stderr=StringIO())
    rebuilt = status()
    print(after_upgrade)

    assert WARNING not in in_step, in_step
    assert flagged["reindex_needed"] and flagged["schema"] == {"index": "0123456789ab", "code": index.schema()}
    assert f"Schema dell'indice diverso da quello del codice (0123456789ab invece di {index.schema()})" in after_upgrade
    assert WARNING not in rebuilt
