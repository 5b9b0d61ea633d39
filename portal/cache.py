"""The shared cache (Redis) as an accelerator: when Redis is away the site works uncached.

Why: Django's Redis backend raises on every call when the server is gone, and the cache is
read on every request (Wagtail's site root paths, the content version, the page cache,
allauth's login rate limit): a Redis outage was a 500 on every page, login and publish.
Here a failed call answers what an empty cache would, so the caller computes the value
itself; after a failure Redis is left alone for ``RETRY_AFTER`` seconds (every process
thread remembers it), so a dead server costs one connection attempt, not one per call.

What each operation answers while Redis is down:
- ``get``/``get_many``: a miss; ``set``/``set_many``/``delete``: nothing stored;
- ``add``: True, as if the key were new (the newsletter's "one mail per address in ten
  minutes" lets the mail go rather than silently dropping it);
- ``incr``: ``delta``, as if the counter had just started: rate limits (allauth's login
  limit, the subscription form) let requests through rather than locking everybody out.
  That is the safe side for this site: the passwords' strength and the database's
  constraints still stand; the limits come back with Redis.

Sessions are not kept here (``SESSION_ENGINE`` is the database), so nobody is logged out
by an outage and a logout can never be undone by a cache that comes back stale.
"""
from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0
_lock = threading.Lock()
_down_until: dict[str, float] = {}  # location -> monotonic time of the next attempt
_down_since: dict[str, float] = {}


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that degrades to "no cache" instead of raising."""

    def __init__(self, server, params):
        params = dict(params)
        options = {"socket_connect_timeout": 1, "socket_timeout": 1, **params.get("OPTIONS", {})}
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._location = ",".join(self._servers)

    # --- the breaker ---------------------------------------------------------------
    def _call(self, operation, fallback):
        now = time.monotonic()
        if _down_until.get(self._location, 0.0) > now:
            return fallback
        try:
            result = operation()
        except RedisError as exc:
            self._went_down(exc)
            return fallback
        if self._location in _down_since:
            self._came_back()
        return result

    def _went_down(self, exc) -> None:
        with _lock:
            first = self._location not in _down_since
            _down_since.setdefault(self._location, time.monotonic())
            _down_until[self._location] = time.monotonic() + RETRY_AFTER
        if first:
            log.warning("cache unreachable (%s): serving uncached, next attempt in %.0fs", exc, RETRY_AFTER)

    def _came_back(self) -> None:
        with _lock:
            since = _down_since.pop(self._location, None)
            _down_until.pop(self._location, None)
        if since is not None:
            log.warning("cache reachable again after %.1fs", time.monotonic() - since)

    def state(self) -> str:
        """"ok" or "down", asking Redis now (the readiness probe; bypasses the breaker)."""
        try:
            self._cache.get_client(None, write=True).ping()
        except RedisError as exc:
            self._went_down(exc)
            return "down"
        if self._location in _down_since:
            self._came_back()
        return "ok"

    # --- the operations ----------------------------------------------------------
    def get(self, key, default=None, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def incr(self, key, delta=1, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).incr(key, delta, version), delta)

    def delete(self, key, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._call(lambda: super(ResilientRedisCache, self).clear(), False)


def cache_state() -> str:
    """State of the default cache for /readyz: "ok", "down", or "local" (per-process memory)."""
    from django.core.cache import cache

    state = getattr(cache, "state", None)
    return state() if state else "local"
