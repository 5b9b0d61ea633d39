"""The SMTP sink the sending tests count connections with.

``test_sending`` asserts that a batch reuses one SMTP connection. The sink counted
connections by ``id(session)``, and the id of a closed connection's collected session comes
back: 41 connections made one after the other counted as 39 (before this fix), so that assertion could pass
whatever the sender did.
"""
from __future__ import annotations

import smtplib

from tests.support.smtp import SmtpSink


def test_connections_one_after_the_other_are_counted_apart():
    sink = SmtpSink()
    sink.start()
    try:
        for n in range(40):
            with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
                client.sendmail("portale@example.it", [f"iscritto{n}@example.it"], f"Subject: {n}\r\n\r\nCiao")
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:  # two messages, one connection
            client.sendmail("portale@example.it", ["a@example.it"], "Subject: a\r\n\r\nCiao")
            client.sendmail("portale@example.it", ["b@example.it"], "Subject: b\r\n\r\nCiao")
    finally:
        sink.stop()

    assert len(sink.received) == 42
    assert len(sink.connections) == 41
