"""Fixtures shared by the whole suite: the real services and how tests reach them.

The services themselves are started outside pytest by ``python -m tests.harness``
(``make test`` does it), which exports ELASTICSEARCH_URL, DATABASE_URL and
CELERY_BROKER_URL. Inside pytest we add what must follow the test database:
an SMTP sink on loopback (aiosmtpd) and a real Celery worker process.
"""
from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

from tests.support.smtp import SmtpSink
from tests.support.worker import CeleryWorker

IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parent.parent
WORKER_BOUNCE_ADDRESS = "bounces@cdp.example.it"


def require(variable: str, what: str) -> str:
    """The value of a service variable; without it the test skips (fails in CI: see below)."""
    value = os.environ.get(variable)
    if value:
        return value
    pytest.skip(f"{what} not available: {variable} is not set (run the suite with `make test`)")


def fail_skips_in_ci(report) -> None:
    """In CI a missing service, browser or program fails the run: a skip there would hide
    it. One rule for every skip, whoever raises it (our fixtures, a plugin, a skipif)."""
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI=true), which must not happen: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    fail_skips_in_ci(outcome.get_result())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test database, with its serialized content kept for every connection object.

    Django keeps the migrations' data (site, zones, roles ...) for serialized rollback on
    the connection wrapper of the context that created the database. Playwright's sync API
    runs later tests in another context, whose fresh wrapper would lack it and restore nothing.
    """
    from django.db import connections

    for conn in connections.all():
        contents = getattr(conn, "_test_serialized_contents", None)
        if contents is not None:
            type(conn)._test_serialized_contents = contents
    yield


@pytest.fixture(autouse=True)
def _eager_tasks_by_default(settings):
    """Tests run tasks in-process unless they ask for the real worker (``celery_worker``)."""
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _page_cache_off_by_default(settings):
    """Rendering is what most tests check: the page cache is on only where a test asks (tests/portal/test_pagecache.py)."""
    settings.PAGE_CACHE_SECONDS = 0
    yield


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    return require("ELASTICSEARCH_URL", "Elasticsearch").split(",")[0]


@pytest.fixture
def shared_elasticsearch(elasticsearch_url, settings, monkeypatch):
    """Search on the harness's Elasticsearch for this test, under an index prefix of its own.

    The URL and the prefix are in the settings and in the environment (for the processes the test
    starts); yields the ``VersionedIndex`` of that prefix, empty. Its indices and synonyms set are
    deleted at the end. Fixtures that need another node (a dead URL, an own node, a cluster, a secured
    node) set ``ELASTICSEARCH_URLS`` themselves; the search tests' ``es`` keeps the session prefix,
    which the session's Celery worker writes to.
    """
    from search.engine import client as search_client
    from search.engine.versions import VersionedIndex
    from search.indexing.synonyms import set_name

    prefix = f"t-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("ELASTICSEARCH_URL", elasticsearch_url)
    monkeypatch.setenv("ELASTICSEARCH_INDEX_PREFIX", prefix)
    settings.ELASTICSEARCH_URLS = [elasticsearch_url]
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    search_client.reset()
    index = VersionedIndex()
    index.drop_everything()
    yield index
    index.drop_everything()
    try:
        index.client.synonyms.delete_synonym(id=set_name(prefix))
    except Exception:  # the set may never have been created
        pass
    search_client.reset()


@pytest.fixture(scope="session")
def broker_url() -> str:
    return require("CELERY_BROKER_URL", "Redis broker")


@pytest.fixture(scope="session")
def postgres_required() -> str:
    return require("DATABASE_URL", "PostgreSQL")


@pytest.fixture(scope="session")
def smtp_sink():
    """A real SMTP server on loopback that keeps what it receives."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(smtp_sink, settings):
    """Route Django's mail of this test through the SMTP sink."""
    smtp_sink.reset()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_sink


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, broker_url, smtp_sink):
    """A real ``celery worker`` process on the test database, the Redis broker and the SMTP sink."""
    from django.db import connection

    with django_db_blocker.unblock():
        db_settings = connection.settings_dict
    # Newsletter messages leave with a VERP Return-Path, as in production (newsletter.bounces).
    worker = CeleryWorker(ROOT, db_settings, broker_url, smtp_port=smtp_sink.port,
                          extra_env={"NEWSLETTER_BOUNCE_ADDRESS": WORKER_BOUNCE_ADDRESS})
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db):
    """Send tasks to the real worker for this test (data must be committed: transactional_db)."""
    from portal.celery import app

    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True


@pytest.fixture
def _migration_data_present(django_db_setup, django_db_blocker):
    """The data of the migrations (site, zones, roles ...) are in the database before a test's transaction opens.

    A transactional test ends with a flush. pytest-django runs the transactional tests last, so in
    one process the others never see an emptied database. Under pytest-xdist (``make test``) a
    process runs whole files in turn, and a file of plain tests can follow a transactional one:
    its tests would find no site. One query tells; the stored copy is loaded back, committed.
    Loading it twice only updates the same rows, so the next transactional test's own reload is safe.
    """
    from django.db import connection
    from wagtail.models import Site

    with django_db_blocker.unblock():
        if not Site.objects.exists():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
    yield


def pytest_collection_modifyitems(config, items):
    """Give every test that uses the database the data of the migrations (site, zones, roles ...).

    A transactional test ends with a flush that also removes what data migrations
    created; serialized rollback restores it before the next transactional one, and
    ``_migration_data_present`` before any other.
    """
    for item in items:
        fixtures = getattr(item, "fixturenames", None)
        if fixtures is None:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in fixtures or "live_server" in fixtures
        if marker is not None and marker.kwargs.get("transaction"):
            transactional = True
            if not marker.kwargs.get("serialized_rollback"):
                item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False)
        if transactional and "django_db_serialized_rollback" not in fixtures:
            fixtures.append("django_db_serialized_rollback")
        elif not transactional and (marker is not None or "db" in fixtures):
            fixtures.insert(0, "_migration_data_present")


def pytest_report_header(config):
    lines = [f"python {sys.version.split()[0]}"]
    for variable in ("DATABASE_URL", "ELASTICSEARCH_URL", "CELERY_BROKER_URL"):
        lines.append(f"{variable}={os.environ.get(variable, '(unset)')}")
    return lines
