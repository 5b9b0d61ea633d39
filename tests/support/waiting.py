"""Waiting on an event instead of sleeping a fixed time: poll until the thing a test needs is true.

The one polling loop of the tests: the waits with a name of their own (the SMTP sink's ``wait_for``,
the search tests' ``es.wait_for``, ``Traffic.wait_for`` of the fault tests, the harness cluster's
``wait_for_status``) keep their signatures and messages and poll through ``wait_for``.
"""
from __future__ import annotations

import time


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    """The first truthy value of ``predicate()``; fails naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
