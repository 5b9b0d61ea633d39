"""Handing messages to the mail server, and sorting what it answers.

A delivery row must be marked sent as close as possible to the moment the SMTP server
receives the final "." of DATA: marking before risks skipping the subscriber after a
crash, marking after the server's reply risks sending twice. Over SMTP the connection
calls ``on_transmitted`` right after the final "." is written, before the reply is read,
so the row's commit follows the message within microseconds; if the server then rejects
the message the caller corrects the row. Django's other backends (console, files, locmem:
``make run`` and the fast test tier) get the same bytes wrapped as a Django message, and
``on_transmitted`` runs once they have it.

SMTP errors are sorted here (``sort_failure``): a hard bounce (5xx to RCPT), another
permanent refusal (5xx), or a temporary one (4xx, lost connection) to retry later.
"""
from __future__ import annotations

import email
import email.policy
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend

_END_OF_DATA = b"\r\n.\r\n"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAIL_ERRORS = (smtplib.SMTPException, OSError)


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
    """Django's SMTP backend (settings, TLS, login) whose connection calls ``on_transmitted`` after DATA."""

    reports_end_of_data = True

    @property
    def connection_class(self):
        return HookedSMTPSSL if self.use_ssl else HookedSMTP


class _WireMIME(email.message.EmailMessage):
    """A message parsed from bytes that Django's backends can serialise again (``linesep`` accepted)."""

    _raw = b""

    def as_bytes(self, unixfrom=False, linesep="\n", **_kwargs):  # noqa: ARG002
        return self._raw if linesep == "\r\n" else self._raw.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, maxheaderlen=0, policy=None, linesep="\n"):  # noqa: ARG002
        return self.as_bytes(linesep=linesep).decode("ascii")


class WireMessage(EmailMessage):
    """The bytes built by ``newsletter.messages`` as a Django message, for the non-SMTP backends."""

    def __init__(self, raw: bytes, envelope_from: str, envelope_to: str):
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        super().__init__(subject=str(parsed["Subject"] or ""), from_email=envelope_from, to=[envelope_to])
        self.raw = raw
        self.parsed = parsed

    def message(self, *, policy=None):  # noqa: ARG002
        wire = email.message_from_bytes(self.raw, _class=_WireMIME, policy=email.policy.default)
        wire._raw = self.raw
        return wire


def open_connection():
    """One connection for a whole batch: the hooked SMTP backend when mail goes over SMTP."""
    if settings.EMAIL_BACKEND == SMTP_BACKEND:
        backend = get_connection("newsletter.transport.TransmitHookBackend", fail_silently=False)
    else:  # files, console, locmem: no SMTP session to hook into
        backend = get_connection(fail_silently=False)
    backend.open()
    return backend


def close_quietly(backend) -> None:
    try:
        backend.close()
    except Exception:  # a dead connection cannot be closed politely
        pass


def send_wire(backend, envelope_from: str, envelope_to: str, raw: bytes, on_transmitted=None) -> None:
    """Send one message's bytes; ``on_transmitted`` runs the instant the server has all of it."""
    if getattr(backend, "reports_end_of_data", False):
        if backend.connection is None:
            backend.open()
        smtp = backend.connection
        smtp.on_transmitted = on_transmitted
        try:
            smtp.sendmail(envelope_from, [envelope_to], raw)
        finally:
            smtp.on_transmitted = None
        return
    backend.send_messages([WireMessage(raw, envelope_from, envelope_to)])
    if on_transmitted is not None:
        on_transmitted()


# --- what the server answered ----------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """A refused or interrupted delivery, sorted."""

    code: int | None
    text: str
    is_hard_bounce: bool  # 5xx to the recipient: the address does not exist, never mail it again
    is_permanent: bool  # any 5xx: retrying will not help
    connection_lost: bool  # the session is unusable: open a new one before the next message


def smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return codes[0] if codes else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def error_text(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                 for code, msg in exc.recipients.values()]
        return "; ".join(parts)[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {msg}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


def sort_failure(exc: Exception) -> Failure:
    code = smtp_code(exc)
    permanent = code is not None and 500 <= code < 600
    return Failure(
        code=code,
        text=error_text(exc),
        is_hard_bounce=permanent and isinstance(exc, smtplib.SMTPRecipientsRefused),
        is_permanent=permanent,
        connection_lost=isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)) or not isinstance(
            exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)
        ),
    )
