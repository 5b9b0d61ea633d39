"""An SMTP backend that tells us the instant a message is handed over.

A delivery row must be marked sent as close as possible to the moment the SMTP
server receives the final "." of DATA: marking before risks skipping the
subscriber after a crash, marking after the server's reply risks sending twice.
``on_transmitted`` runs right after the final "." is written, before the reply
is read, so the row's commit follows the message within microseconds; if the
server then rejects the message the caller corrects the row.
"""
from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend

_END_OF_DATA = b"\r\n.\r\n"


class _HookMixin:
    on_transmitted = None
    _in_data = False

    def data(self, msg):
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s):
        super().send(s)
        if self._in_data and isinstance(s, bytes) and s.endswith(_END_OF_DATA):
            callback, self.on_transmitted = self.on_transmitted, None
            if callback is not None:
                callback()


class HookedSMTP(_HookMixin, smtplib.SMTP):
    pass


class HookedSMTPSSL(_HookMixin, smtplib.SMTP_SSL):
    pass


class TransmitHookBackend(EmailBackend):
    """Django's SMTP backend whose connection calls ``on_transmitted`` after the end of DATA."""

    supports_transmit_hook = True

    @property
    def connection_class(self):
        return HookedSMTPSSL if self.use_ssl else HookedSMTP

    def send_with_hook(self, message, on_transmitted) -> None:
        if self.connection is None:
            self.open()
        self.connection.on_transmitted = on_transmitted
        try:
            self.send_messages([message])
        finally:
            if self.connection is not None:
                self.connection.on_transmitted = None


def open_connection():
    """One connection for a whole batch: the hooked SMTP backend when mail goes over SMTP."""
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        backend = get_connection("newsletter.smtp.TransmitHookBackend", fail_silently=False)
    else:  # files, console, locmem: no SMTP session to hook into
        backend = get_connection(fail_silently=False)
    backend.open()
    return backend


def send_one(backend, message, on_transmitted) -> None:
    """Send one message on an open backend; ``on_transmitted`` runs once it is handed over."""
    if getattr(backend, "supports_transmit_hook", False):
        backend.send_with_hook(message, on_transmitted)
        return
    backend.send_messages([message])
    on_transmitted()
