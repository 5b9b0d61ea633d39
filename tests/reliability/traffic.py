"""Client traffic in phases, for the fault tests: one generator that every fault test drives.

A fault test starts a few client threads that request pages in turn, switches the
``phase`` as it breaks and repairs a service ("before", "down", "after", ...), and
at the end counts the answers of each phase. Each answer keeps its phase, path,
status and duration, plus a ``note`` the test computes from the body while it is
still at hand (a leak found, a notice shown), so no body is kept in memory.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.app_server import fetch
from tests.support.waiting import wait_for


@dataclass(frozen=True)
class Answer:
    phase: str
    path: str
    status: int  # 0: no answer (connection refused, reset or timed out)
    seconds: float
    note: Any = None


class PhasedTraffic:
    """``clients`` threads requesting ``paths`` in turn until the ``with`` block ends.

    Answers that straddle a phase change (the request began in one phase and ended in
    the next) are not counted: they belong to neither.
    """

    def __init__(self, base: str, paths: list[str], *, clients: int = 3, pause: float = 0.02,
                 timeout: float = 30, inspect: Callable[[str, int, str], Any] | None = None):
        self.base, self.paths = base, list(paths)
        self.pause, self.timeout, self.inspect = pause, timeout, inspect
        self.phase = "before"
        self._answers: list[Answer] = []
        self._lock = threading.Lock()
        self._running = True
        self._threads = [threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(clients)]

    def _loop(self, n: int) -> None:
        i = n
        while self._running:
            path = self.paths[i % len(self.paths)]
            i += 1
            phase = self.phase
            began = time.monotonic()
            status, body = fetch(self.base + path, timeout=self.timeout)
            seconds = time.monotonic() - began
            note = self.inspect(path, status, body) if self.inspect else None
            if phase == self.phase:
                with self._lock:
                    self._answers.append(Answer(phase, path, status, seconds, note))
            time.sleep(self.pause)

    def __enter__(self) -> PhasedTraffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._running = False
        for thread in self._threads:
            thread.join(timeout=self.timeout + 30)

    @property
    def answers(self) -> list[Answer]:
        with self._lock:
            return list(self._answers)

    def of(self, phase: str) -> list[Answer]:
        return [a for a in self.answers if a.phase == phase]

    def count(self, phase: str) -> int:
        return len(self.of(phase))

    def wait_for(self, phase: str, count: int, timeout: float = 60) -> None:
        """Until ``count`` answers of ``phase`` arrived (or ``timeout``): the test's figures need a sample."""
        try:
            wait_for(lambda: self.count(phase) >= count, timeout, f"{count} answers of {phase}")
        except AssertionError:
            pass  # the figures report the sample there is
