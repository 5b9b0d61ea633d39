"""The Elasticsearch connection, shared by indexing and querying."""
import functools
import time

from django.conf import settings

_AVAILABILITY_TTL = 5.0
_last_check: dict = {"at": 0.0, "ok": False}


@functools.cache
def get_client():
    """One client per process; short timeouts so a dead node degrades quickly."""
    from elasticsearch import Elasticsearch

    return Elasticsearch(
        settings.ELASTICSEARCH_URLS,
        request_timeout=settings.ELASTICSEARCH_TIMEOUT,
        max_retries=1,
        retry_on_timeout=False,
    )


def elasticsearch_available() -> bool:
    """Whether the configured cluster answers; remembered for a few seconds."""
    if not settings.ELASTICSEARCH_URLS:
        return False
    now = time.monotonic()
    if now - _last_check["at"] < _AVAILABILITY_TTL:
        return _last_check["ok"]
    try:
        ok = bool(get_client().options(request_timeout=1).ping())
    except Exception:
        ok = False
    _last_check.update(at=now, ok=ok)
    return ok
