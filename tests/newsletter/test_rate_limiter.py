"""The rate limiter counts messages, not tries: a slot is spent only on a row the loop claimed.

Several sending loops read the same pending rows; the one that finds its row taken by another
keeps its slot for its next row (within the same second). Before, the slot was given up, and two
workers with four loops delivered under a third of the limit (tests/reliability/test_two_workers.py
measures that end to end).
"""
from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from newsletter.pacing import RateLimiter


@pytest.fixture
def limiter_name():
    name = f"test-rate-{time.monotonic_ns()}"
    yield name
    cache.delete_many([f"{name}:{int(time.time()) + d}" for d in range(-3, 2)])


def _start_of_a_second():
    """Begin right after a second's edge, so the test's few calls all fall in one second."""
    time.sleep(1 - (time.time() % 1) + 0.01)
    return int(time.time())


def test_an_unspent_slot_is_kept_for_the_next_row(limiter_name):
    loop = RateLimiter(2, limiter_name)
    second = _start_of_a_second()
    loop.wait()  # takes a slot
    loop.wait()  # its row was another loop's: the same slot serves the next row
    loop.wait()
    assert int(time.time()) == second
    assert cache.get(f"{limiter_name}:{second}") == 1, "one slot taken for three rows tried"
    loop.spend()
    loop.wait()
    assert cache.get(f"{limiter_name}:{second}") == 2


def test_the_limit_still_holds_across_loops(limiter_name):
    one, two = RateLimiter(1, limiter_name), RateLimiter(1, limiter_name)
    second = _start_of_a_second()
    one.wait()
    two.wait()  # the second's only slot is one's: two waits for the next second
    assert int(time.time()) == second + 1


def test_a_slot_does_not_outlive_its_second(limiter_name):
    loop = RateLimiter(1, limiter_name)
    second = _start_of_a_second()
    loop.wait()
    time.sleep(1 - (time.time() % 1) + 0.01)  # unspent, into the next second
    loop.wait()
    assert cache.get(f"{limiter_name}:{second + 1}") == 1, "a fresh slot of the new second, counted"
