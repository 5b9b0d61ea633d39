"""Fixtures of the fault tests: throwaway services of our own, which a test may stop and start.

The shared services of the harness are never touched: each fault test starts its own
PostgreSQL, Redis or Elasticsearch through the harness starters (``start_postgres``,
``start_redis``, ``start_elasticsearch``), breaks it, brings it back with ``start()``
(same port, same data) and stops it at the end.
"""
from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from tests.support.figures import pytest_terminal_summary, report  # noqa: F401  (summary hook)



def not_written_once(index, page_ids) -> dict[int, tuple]:
    """Pages whose document is not the one write of all their outbox rows: page id ->
    (document's _version, the rows' index versions). Every write carries an external version
    of the write clock, so ``_version`` names the write, not a count of writes: a page written
    once has all its rows applied with one version and its document at that version (a second
    copy of the same request is refused by Elasticsearch and leaves it there)."""
    from elasticsearch import NotFoundError

    from search.models import OutboxEntry

    rows: dict[int, set] = {}
    for page_id, version in OutboxEntry.objects.filter(page_id__in=page_ids).values_list("page_id", "index_version"):
        rows.setdefault(page_id, set()).add(version)
    found = {}
    for pk in page_ids:
        try:
            version = index.client.get(index=index.read_alias, id=str(pk), _source=False)["_version"]
        except NotFoundError:
            version = None
        if len(rows.get(pk, ())) != 1 or version not in rows[pk]:
            found[pk] = (version, sorted(rows.get(pk, ()), key=lambda v: v or 0))
    return found


def _workdir(name: str) -> Path:
    # Not under pytest's tmp dir: it is 0700 and PostgreSQL/Elasticsearch run as other users when we are root.
    path = Path(tempfile.mkdtemp(prefix=f"cdp-fault-{name}-"))
    os.chmod(path, 0o755)
    return path


def start_own(kind: str, **kwargs):
    """Start a throwaway service; if its program is not installed, skip (a failure in CI)."""
    from tests.harness.elasticsearch import start_elasticsearch
    from tests.harness.postgres import start_postgres
    from tests.harness.redis import start_redis

    starter = {"postgresql": start_postgres, "redis": start_redis, "elasticsearch": start_elasticsearch}[kind]
    workdir = _workdir(kind)
    try:
        service = starter(workdir / kind, **kwargs)
    except RuntimeError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        if "not installed" in str(exc):
            pytest.skip(f"{kind} for fault injection: {exc}")
        raise
    service.workdir = workdir
    return service


def is_down(service) -> bool:
    """Whether the service refuses connections now: a fault is counted only once it is observed."""
    try:
        with socket.create_connection(("127.0.0.1", service.port), timeout=2):
            return False
    except OSError:
        return True


def stop_own(service) -> None:
    try:
        service.stop()
    finally:
        shutil.rmtree(service.workdir, ignore_errors=True)


@pytest.fixture
def own_postgres():
    service = start_own("postgresql")
    yield service
    stop_own(service)


@pytest.fixture
def own_redis():
    service = start_own("redis")
    yield service
    stop_own(service)


@pytest.fixture
def own_elasticsearch():
    service = start_own("elasticsearch", heap="512m")
    yield service
    stop_own(service)
