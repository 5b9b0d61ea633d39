"""memo(): values derived from the content live until the content changes.

Runs on the suite's cache: Redis under ``make test``, the in-process cache otherwise.
"""
from __future__ import annotations

import warnings

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning

from portal import content_version


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_memo_computes_once_until_the_content_changes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert content_version.memo("figures", compute) == 1
    assert content_version.memo("figures", compute) == 1
    content_version.bump()
    assert content_version.memo("figures", compute) == 2
    assert len(calls) == 2


def test_memo_names_with_filters_make_portable_keys():
    """Listing counts are named after their filters (spaces, quotes, brackets): the key must
    still be one every cache backend accepts, and two filters must not share it."""
    name_a = "listing-count:cms.PracticePage:5:[('zona', '14'), ('topic', 'abitare')]"
    name_b = "listing-count:cms.PracticePage:5:[('zona', '15'), ('topic', 'abitare')]"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        assert content_version.memo(name_a, lambda: "a") == "a"
        assert content_version.memo(name_b, lambda: "b") == "b"
        assert content_version.memo(name_a, lambda: "recomputed") == "a"
        assert content_version.memo("x" * 400, lambda: "long") == "long"


def test_memo_keeps_a_none_result():
    calls = []
    assert content_version.memo("nothing", lambda: calls.append(1)) is None
    assert content_version.memo("nothing", lambda: calls.append(1)) is None
    assert len(calls) == 1


def test_a_flushed_cache_never_serves_what_the_process_kept_from_before():
    """memo() keeps its last values in the process too (one round trip per read instead of two); a
    cache flushed (Redis restarted empty) starts its count where no earlier count reached, so a value
    kept from before the flush is recomputed, not served."""
    assert content_version.memo("kept", lambda: "before") == "before"
    cache.clear()
    assert content_version.memo("kept", lambda: "after") == "after"


def test_a_value_kept_in_the_process_lives_no_longer_than_its_timeout():
    """Without a shared cache another process's change is never seen: the timeout bounds the staleness."""
    calls = []
    content_version.memo("brief", lambda: calls.append(1), timeout=0)
    content_version.memo("brief", lambda: calls.append(1), timeout=0)
    assert len(calls) == 2
