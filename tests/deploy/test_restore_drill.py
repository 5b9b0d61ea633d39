"""The README's restore drill, performed: dump, restore into an empty database, reindex, same site.

Content is published on the test database; ``pg_dump`` writes it out as SQL, ``createdb`` and
``psql`` load it into a new database, ``manage.py search_reindex`` builds an index from it.
The same snapshot (public pages as anonymous visitors get them, search results on
Elasticsearch) is taken of the original and of the restored database, each with an index
of its own, and must be equal. The restored database and both indexes are dropped at the end.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.deploy.conftest import drop_indexes
from tests.harness.postgres import _pg_bindir
from tests.support.figures import report
from tests.support.worker import _database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
MARKER = "cardamomo"  # a word only our pages have
QUERIES = [MARKER, f"{MARKER} sportello", "inclusione"]

SNAPSHOT = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()
from django.test import Client
from wagtail.models import Page
from search.querying.contract import SearchRequest
from search.querying.elasticsearch import ElasticsearchBackend
import re
client = Client()
pages = {}
for page in Page.objects.live().public().specific().order_by("path"):
    url = page.url
    if not url:
        continue
    response = client.get(url)
    title = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    pages[url] = [response.status_code, page.title, (title.group(1).strip() if title else "")]
results = {}
for q in json.loads(os.environ["DRILL_QUERIES"]):
    found = ElasticsearchBackend().search(SearchRequest(q=q, per_page=50))
    results[q] = [found.total, [hit.title for hit in found.hits]]
print(json.dumps({"pages": pages, "search": results}, sort_keys=True))
"""


def _pg(tool: str, *args: str, db: dict, **kwargs) -> subprocess.CompletedProcess:
    command = [str(_pg_bindir() / tool), "-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432),
               "-U", db.get("USER") or "postgres", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{tool}: {result.stderr[-2000:]}"
    return result


def _env(database_url: str, prefix: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(DATABASE_URL=database_url, ELASTICSEARCH_INDEX_PREFIX=prefix, DRILL_QUERIES=json.dumps(QUERIES),
               LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="portal.settings")
    return env


def _reindex_and_snapshot(env: dict[str, str]) -> dict:
    reindex = subprocess.run([sys.executable, "manage.py", "search_reindex"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=600)
    assert reindex.returncode == 0, reindex.stderr[-3000:]
    subprocess.run([sys.executable, "manage.py", "shell", "-c",
                    "from search.engine.versions import VersionedIndex as V; i=V(); i.client.indices.refresh(index=i.read_alias)"],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    snapshot = subprocess.run([sys.executable, "-c", SNAPSHOT], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=600)
    assert snapshot.returncode == 0, snapshot.stderr[-3000:]
    return json.loads(snapshot.stdout.strip().splitlines()[-1])


def test_dump_restore_reindex_gives_the_same_site(tmp_path, elasticsearch_url):
    from django.db import connection

    from tests import builders

    published = [
        builders.news(f"Notizia {MARKER} numero {n}", f"Lo sportello {MARKER} apre in zona.") for n in range(3)
    ] + [builders.practice(f"Sportello {MARKER} di prossimità", "Una buona pratica di inclusione.")]
    draft = builders.news(f"Bozza {MARKER} mai pubblicata", "Non deve comparire.", publish=False)

    db = connection.settings_dict
    restored_name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    restored = {**db, "NAME": restored_name}
    prefixes = [f"drill-{uuid.uuid4().hex[:8]}-orig", f"drill-{uuid.uuid4().hex[:8]}-restored"]
    dump = tmp_path / "cdp.sql"
    try:
        _pg("pg_dump", "--no-owner", "--file", str(dump), db["NAME"], db=db)
        _pg("createdb", restored_name, db=db)
        _pg("psql", "--quiet", "--set", "ON_ERROR_STOP=1", "--dbname", restored_name, "--file", str(dump), db=db)
        before = _reindex_and_snapshot(_env(_database_url(db), prefixes[0]))
        after = _reindex_and_snapshot(_env(_database_url(restored), prefixes[1]))
    finally:
        _pg("dropdb", "--if-exists", restored_name, db=db)
        for prefix in prefixes:
            drop_indexes(prefix)

    report(
        "Restore drill: pg_dump, createdb + psql, search_reindex",
        dump_bytes=dump.stat().st_size,
        public_pages=f"{len(before['pages'])} before, {len(after['pages'])} after",
        searches={q: f"{before['search'][q][0]} -> {after['search'][q][0]} results" for q in QUERIES},
        differences=sum(before[k] != after[k] for k in ("pages", "search")),
    )
    assert {page.url for page in published} <= set(before["pages"]), "the published pages are in the snapshot"
    assert draft.url not in before["pages"]
    assert before["search"][MARKER][0] == len(published), "the search finds what was published, not the draft"
    assert after["pages"] == before["pages"], "same public pages, same answers"
    assert after["search"] == before["search"], "same search results, in the same order"
