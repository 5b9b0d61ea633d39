"""The Elasticsearch connection, shared by indexing and querying.

One client per configuration (tests switch ``ELASTICSEARCH_URLS`` with settings
overrides), short timeouts, and a small circuit breaker: after a failed request
the public search skips Elasticsearch for a few seconds and answers from the
database instead of making every visitor wait for the timeout.
"""
from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_AVAILABILITY_TTL = 5.0
_lock = threading.Lock()
_clients: dict = {}
_last_check: dict = {}  # config key -> (monotonic time, ok)


def _key() -> tuple:
    return tuple(settings.ELASTICSEARCH_URLS), settings.ELASTICSEARCH_TIMEOUT


def is_configured() -> bool:
    """Whether an Elasticsearch URL is set at all (unset: the search runs on the database)."""
    return bool(settings.ELASTICSEARCH_URLS)


def get_client():
    """The client for the current settings; created once per configuration and process."""
    from elasticsearch import Elasticsearch

    key = _key()
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = Elasticsearch(
                list(key[0]),
                request_timeout=key[1],
                max_retries=1,
                retry_on_timeout=False,
            )
            _clients[key] = client
    return client


def mark_unavailable() -> None:
    """Remember that the cluster just failed: skip it for a few seconds."""
    _last_check[_key()] = (time.monotonic(), False)


def elasticsearch_available() -> bool:
    """Whether the configured cluster answers; remembered for a few seconds."""
    if not is_configured():
        return False
    key = _key()
    now = time.monotonic()
    checked = _last_check.get(key)
    if checked and now - checked[0] < _AVAILABILITY_TTL:
        return checked[1]
    try:
        ok = bool(get_client().options(request_timeout=1).ping())
    except Exception:
        ok = False
    _last_check[key] = (now, ok)
    return ok


def reset() -> None:
    """Forget clients and availability (settings changed, or a test wants a clean slate)."""
    with _lock:
        _clients.clear()
        _last_check.clear()


@receiver(setting_changed)
def _on_setting_changed(setting, **kwargs):
    if setting.startswith("ELASTICSEARCH_"):
        reset()
