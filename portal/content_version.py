"""A number that changes whenever published content may have changed.

Caches of things derived from the content (the page cache, the search facet labels) put
it in their keys: one increment makes all of them stale at once, in every process that
shares the cache, without knowing what each of them holds.
"""
from __future__ import annotations

import hashlib
import re
import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "content:version"
_SAFE_NAME = re.compile(r"[\w:.-]{1,160}")
# Rows of these apps change what public pages show (accounts: seminar places left).
CONTENT_APPS = {"cms", "wagtailcore", "wagtaildocs", "wagtailimages", "taggit", "wagtailredirects", "accounts"}
NEWSLETTER_CONTENT_MODELS = {"edition"}  # the archive; subscribers and deliveries are not on public pages
LOCAL_SIZE = 512  # values this process keeps beside the shared cache (memo), at most

# name -> (version, expires at (monotonic), value): what memo() last read, so a repeated read costs
# one small round trip (the version) instead of two and an unpickling
_local: dict[str, tuple[int, float, object]] = {}


def _first_version() -> int:
    """Where a fresh (or flushed) cache starts counting: never a number an earlier count reached,
    so values a process kept from before a flush cannot pass for current."""
    return time.time_ns() // 1000


def current() -> int:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, _first_version(), None)
        value = cache.get(KEY) or _first_version()
    return int(value)


def bump() -> None:
    cache.add(KEY, _first_version(), None)
    try:
        cache.incr(KEY)
    except ValueError:  # evicted between add and incr
        cache.set(KEY, _first_version(), None)


def memo(name: str, compute, timeout: int = 300):
    """``compute()``, kept in the cache until the content changes. ``timeout`` bounds how long a
    process with its own (not shared) cache keeps a value changed by another process. The value
    is shared by every caller in the process: never change what this returns."""
    if not _SAFE_NAME.fullmatch(name):  # filters in the name: spaces, quotes, any length
        name = hashlib.sha1(name.encode()).hexdigest()
    version = current()
    held = _local.get(name)
    if held is not None and held[0] == version and held[1] > time.monotonic():
        return held[2]
    key = f"memo:{version}:{name}"
    stored = cache.get(key)
    if stored is None:
        stored = (compute(),)
        cache.set(key, stored, timeout)
    if len(_local) >= LOCAL_SIZE:
        _local.clear()
    _local[name] = (version, time.monotonic() + timeout, stored[0])
    return stored[0]


def is_content(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    if meta.app_label == "newsletter":
        return meta.model_name in NEWSLETTER_CONTENT_MODELS
    return meta.app_label in CONTENT_APPS


def _on_change(sender, **kwargs) -> None:
    if is_content(sender):
        bump()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_change, dispatch_uid=f"content-version-{id(signal)}")
