"""An SMTP server on loopback (aiosmtpd) that keeps every message it accepts."""
from __future__ import annotations

import asyncio
import email
import email.policy
import itertools
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.harness.service import free_port
from tests.support.waiting import wait_for


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.sink.reply_for(address)
        if reply:
            with self.sink.lock:
                self.sink.refused.append((address, reply))
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if "Return-Path" not in message:  # as the final delivery records it: the envelope sender
            message["Return-Path"] = f"<{envelope.mail_from}>"
        with self.sink.lock:
            for rcpt in envelope.rcpt_tos:
                self.sink.received.append((rcpt, message))
                self.sink.arrivals.append(time.time())
            # A number per connection, kept on its session: id(session) comes back once a closed
            # connection's session is collected, and two connections would count as one.
            if getattr(session, "cdp_connection", None) is None:
                session.cdp_connection = next(self.sink.connection_numbers)
            self.sink.connections.add(session.cdp_connection)
            delay = self.sink.data_reply_delay
        if delay:  # a slow relay: the message is taken, the "250" comes late
            await asyncio.sleep(delay)
        return "250 Message accepted"


class SmtpSink:
    """Messages land in ``received`` as (recipient, EmailMessage); ``fail_with`` injects SMTP errors."""

    def __init__(self):
        self.port = free_port()
        self.received: list[tuple[str, EmailMessage]] = []
        self.arrivals: list[float] = []  # time.time() of each entry of received: rates per wall-clock second
        self.refused: list[tuple[str, str]] = []  # (recipient, reply) of every RCPT answered with fail_with's reply
        self.connections: set[int] = set()  # the numbers of the connections that delivered a message
        self.connection_numbers = itertools.count(1)
        self.lock = threading.Lock()
        self._replies: dict[str, str] = {}
        self._default_reply: str | None = None
        self.data_reply_delay = 0.0  # seconds between receiving a message and answering 250 (slow_down)
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.arrivals.clear()
            self.refused.clear()
            self.connections.clear()
            self._replies.clear()
            self._default_reply = None
            self.data_reply_delay = 0.0

    def fail_with(self, reply: str | None, address: str | None = None) -> None:
        """Answer RCPT with e.g. '451 4.3.0 try later' or '550 5.1.1 no such user' (None: accept)."""
        with self.lock:
            if address is None:
                self._default_reply = reply
            elif reply is None:
                self._replies.pop(address, None)
            else:
                self._replies[address] = reply

    def slow_down(self, seconds: float) -> None:
        """Keep each message but answer its DATA only after ``seconds`` (a slow relay); 0: fast again."""
        with self.lock:
            self.data_reply_delay = seconds

    def reply_for(self, address: str) -> str | None:
        with self.lock:
            return self._replies.get(address, self._default_reply)

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.received if rcpt.lower() == address.lower()]

    def wait_for_refused(self, address: str, count: int = 1, timeout: float = 30) -> int:
        """Wait until RCPT for ``address`` was refused ``count`` times: the sender tried, and was told no."""
        def refused():
            with self.lock:
                seen = sum(1 for rcpt, _reply in self.refused if rcpt.lower() == address.lower())
            return (seen,) if seen >= count else None  # a tuple: true even for a count of 0

        try:
            return wait_for(refused, timeout, f"{count} refused attempts for {address}")[0]
        except AssertionError:
            with self.lock:
                seen = sum(1 for rcpt, _reply in self.refused if rcpt.lower() == address.lower())
            raise AssertionError(f"expected {count} refused attempts for {address}, got {seen}") from None

    def wait_for(self, count: int, timeout: float = 30) -> list[tuple[str, EmailMessage]]:
        def arrived():
            with self.lock:
                return (list(self.received),) if len(self.received) >= count else None  # true even when empty

        try:
            return wait_for(arrived, timeout, f"{count} messages")[0]
        except AssertionError:
            with self.lock:
                raise AssertionError(f"expected {count} messages, SMTP sink has {len(self.received)}") from None
