"""Point the test process's Celery app at another broker (a throwaway Redis of a fault test)."""
from __future__ import annotations

import os
from contextlib import contextmanager


def _forget_connections(app) -> None:
    """Drop the cached connection and producer pools so the next publish connects to the current URL."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str):
    """Within the block, ``task.delay()`` publishes to ``url`` for real (not eagerly).

    Celery reads CELERY_BROKER_URL from the environment before its configuration, so
    both are switched (and restored).
    """
    from portal.celery import app

    saved = (os.environ.get("CELERY_BROKER_URL"), app.conf.broker_url, app.conf.task_always_eager)
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    _forget_connections(app)
    try:
        yield app
    finally:
        if saved[0] is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved[0]
        app.conf.broker_url, app.conf.task_always_eager = saved[1], saved[2]
        _forget_connections(app)
