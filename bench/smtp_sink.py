"""An SMTP sink on loopback that only counts (in its own process).

``tests.support.smtp.SmtpSink`` parses and keeps every message, which at 100k newsletters
would hold gigabytes and compete for this process's GIL; here aiosmtpd runs in a child
process, accepts everything and counts recipients in shared memory, so the benchmark's own
raw smtplib loop and the Celery worker both talk to the same, cheap server.
"""
from __future__ import annotations

import multiprocessing
import time


class _CountingHandler:
    def __init__(self, count, first, last):
        self.count, self.first, self.last = count, first, last

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        with self.count.get_lock():
            if self.count.value == 0:
                self.first.value = now
            self.count.value += len(envelope.rcpt_tos)
            self.last.value = now
        return "250 Message accepted"


def _serve(port, count, first, last, ready, stop):
    from aiosmtpd.controller import Controller

    controller = Controller(_CountingHandler(count, first, last), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


class CountingSink:
    def __init__(self):
        from tests.harness.service import free_port

        ctx = multiprocessing.get_context("spawn")
        self.port = free_port()
        self._count = ctx.Value("q", 0)
        self._first = ctx.Value("d", 0.0)
        self._last = ctx.Value("d", 0.0)
        self._ready, self._stop = ctx.Event(), ctx.Event()
        self._process = ctx.Process(
            target=_serve, args=(self.port, self._count, self._first, self._last, self._ready, self._stop), daemon=True,
        )

    def start(self) -> None:
        self._process.start()
        if not self._ready.wait(30):
            raise RuntimeError("SMTP sink did not start")

    def stop(self) -> None:
        self._stop.set()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()

    @property
    def count(self) -> int:
        return self._count.value

    @property
    def span(self) -> tuple[float, float]:
        """Wall-clock time of the first and the last message since the last reset."""
        return self._first.value, self._last.value

    def reset(self) -> None:
        with self._count.get_lock():
            self._count.value = 0
            self._first.value = 0.0
            self._last.value = 0.0
