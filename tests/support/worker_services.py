"""Each pytest-xdist worker gets Redis databases of its own (broker and cache), set before Django reads them.

``make test`` runs the suite in two processes (``TEST_WORKERS=2``, the default) (``-n 2``) that share the harness's services.
PostgreSQL and Elasticsearch keep them apart already: pytest-django gives each worker its own test
database, and each process draws its own index prefix (tests/support/index_prefix.py). Redis does
not: the Celery worker of one process would take the other's tasks from the shared broker list, and
a test that clears the cache would empty the other process's cache in the middle of its test.

This module is loaded with ``-p`` (pyproject's addopts), so it runs before pytest-django loads the
settings, and the processes the tests start (Celery worker, gunicorn) inherit the same URLs.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

# the harness gives the broker database 0 and the cache database 1; workers take 2-3, 4-5, ...
FIRST_FREE_DATABASE = 2


def own_database(url: str, number: int) -> str:
    """``url`` (redis:// or rediss://) pointing at database ``number``; other URLs unchanged."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return url
    return urlunsplit(parts._replace(path=f"/{number}"))


def _separate_redis_databases() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return  # not under xdist, or the controller: nothing runs tests here
    first = FIRST_FREE_DATABASE + 2 * int(worker[2:])
    for offset, variable in enumerate(("CELERY_BROKER_URL", "CACHE_URL")):
        if os.environ.get(variable):
            os.environ[variable] = own_database(os.environ[variable], first + offset)


_separate_redis_databases()
