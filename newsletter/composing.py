"""The wire form of a newsletter message, prepared once per segment and filled in per subscriber.

``mailing.newsletter_message`` builds an ``EmailMultiAlternatives`` per subscriber:
right for one mail, but at hundreds of messages a second Python's ``email``
package (header folding, address parsing, quoted-printable in pure Python) costs
more than the SMTP exchange itself. Here everything that is the same for every
subscriber of a segment (From, Subject, Reply-To, List-Id, List-Archive, the MIME
skeleton) is encoded once; per message only the recipient, Date, Message-ID, the
RFC 8058 List-Unsubscribe headers and the two bodies with the subscriber's own
links are produced, the bodies quoted-printable encoded by ``binascii`` (C).

The result is a standard multipart/alternative message (text/plain, then
text/html, both UTF-8 quoted-printable, 7-bit clean) with CRLF line ends,
ready for ``smtplib.SMTP.sendmail``.
"""
from __future__ import annotations

import binascii
import html
import re
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.core.signing import Signer
from django.urls import reverse

from newsletter import conf, tokens
from newsletter.mailing import list_id, sender_domain
from newsletter.rendering import PREFERENCES_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER

_TOKEN_SENTINEL = "NEWSLETTERTOKENSENTINEL"
_CRLF = b"\r\n"


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _qp(text: str) -> bytes:
    """Quoted-printable of a CRLF text (soft breaks at 76 columns, trailing blanks escaped).

    binascii picks CRLF or LF for its soft breaks from the first line end it finds: one CRLF is
    appended (and cut off again) so that a text without line ends gets CRLF soft breaks too.
    """
    return binascii.b2a_qp((text + "\r\n").encode("utf-8"), quotetabs=False, istext=True, header=False)[:-2]


_PLACEHOLDERS = re.compile(f"({re.escape(PREFERENCES_PLACEHOLDER)}|{re.escape(UNSUBSCRIBE_PLACEHOLDER)})")


class _QuotedPrintableTemplate:
    """A body encoded once, with the personal links filled in encoded form.

    Quoted-printable of a whole newsletter costs more than sending it, so each stretch between
    placeholders is encoded once; per message only the links are encoded and put on their own
    soft-broken lines ("=" CRLF decodes to nothing), which keeps every line within 76 columns.
    """

    def __init__(self, text: str, escape):
        parts = _PLACEHOLDERS.split(_crlf(text))
        self.escape = escape
        self.pieces: list[bytes | str] = []  # encoded stretches and placeholder names
        for index, part in enumerate(parts):
            if index % 2:
                self.pieces.append(part)
                continue
            encoded = _qp(part)
            if index < len(parts) - 1 and encoded and not encoded.endswith(_CRLF):
                encoded += b"=" + _CRLF  # the link starts on a line of its own
            self.pieces.append(encoded)

    def fill(self, links: dict[str, str]) -> bytes:
        out = []
        for index, piece in enumerate(self.pieces):
            if index % 2:
                out.append(_qp(self.escape(links[piece])))
                if index < len(self.pieces) - 1 and self.pieces[index + 1]:
                    out.append(b"=" + _CRLF)  # and the text goes on on the next line
            else:
                out.append(piece)
        return b"".join(out)


def _one_line(value: str) -> str:
    return " ".join(str(value).split())  # no header injection through names


def _header(name: str, value: str) -> bytes:
    """One header, folded at blanks; non-ASCII values as RFC 2047 encoded words."""
    charset = "us-ascii" if value.isascii() else "utf-8"
    encoded = Header(value, charset, header_name=name).encode(linesep="\r\n")
    return f"{name}: {encoded}".encode("ascii") + _CRLF


class PersonalLinks:
    """A subscriber's signed token and links, without resolving URLs per subscriber."""

    def __init__(self):
        self._signer = Signer(salt=tokens.PERSONAL_SALT)
        preferences = conf.absolute_url(reverse("newsletter:preferences", args=[_TOKEN_SENTINEL]))
        unsubscribe = conf.absolute_url(reverse("newsletter:unsubscribe", args=[_TOKEN_SENTINEL]))
        self._preferences = preferences.split(_TOKEN_SENTINEL)
        self._unsubscribe = unsubscribe.split(_TOKEN_SENTINEL)
        self._mailto = conf.unsubscribe_mailto()

    def token(self, key) -> str:
        return self._signer.sign(str(key))  # same as tokens.personal_token

    def urls(self, token: str) -> tuple[str, str]:
        """(preferences URL, unsubscribe URL); tokens are URL-safe (UUID, ':', urlsafe base64)."""
        return token.join(self._preferences), token.join(self._unsubscribe)

    def mailto(self, token: str) -> str:
        return f"mailto:{self._mailto}?subject={quote('disiscrizione ' + token)}"


class PreparedSegment:
    """One segment's message with holes for the recipient and their links."""

    def __init__(self, edition, render, links: PersonalLinks | None = None):
        self.edition = edition
        self.links = links or PersonalLinks()
        self._message_id = (f"<newsletter.{edition.number}.", f"@{sender_domain()}>")  # as mailing.message_id
        self.envelope_from = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
        self.boundary = f"=_cdp_{secrets.token_hex(12)}_="  # '=_' never occurs in quoted-printable
        charset = settings.DEFAULT_CHARSET
        self._head = b"".join([
            f'Content-Type: multipart/alternative;\r\n boundary="{self.boundary}"\r\n'.encode("ascii"),
            b"MIME-Version: 1.0\r\n",
            _header("Subject", _one_line(render.subject)),
            f"From: {sanitize_address(settings.DEFAULT_FROM_EMAIL, charset)}\r\n".encode("ascii"),
        ])
        self._tail_headers = b"".join([
            f"Reply-To: {sanitize_address(conf.reply_to(), charset)}\r\n".encode("ascii"),
            _header("List-Id", list_id()),
        ])
        archive = conf.absolute_url(reverse("newsletter:archive"))
        self._after_unsubscribe = (
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            + f"List-Archive: <{archive}>\r\n".encode("ascii")
            + _CRLF
        )
        part_head = 'Content-Type: text/{}; charset="utf-8"\r\nMIME-Version: 1.0\r\n' \
                    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        delimiter = f"\r\n--{self.boundary}\r\n".encode("ascii")
        self._text_open = f"--{self.boundary}\r\n".encode("ascii") + part_head.format("plain").encode("ascii")
        self._html_open = delimiter + part_head.format("html").encode("ascii")
        self._close = f"\r\n--{self.boundary}--\r\n".encode("ascii")
        self._text = _QuotedPrintableTemplate(render.text, str)
        self._html = _QuotedPrintableTemplate(render.html, html.escape)
        self.size = sum(len(p) for p in self._text.pieces + self._html.pieces)

    def recipient_header(self, email: str, name: str) -> str:
        name = _one_line(name or "")
        if not email.isascii():
            return sanitize_address((name, email), settings.DEFAULT_CHARSET)
        return formataddr((name, email), charset="utf-8") if name else email

    def envelope_to(self, email: str) -> str:
        if email.isascii():
            return email
        return parseaddr(sanitize_address(email, settings.DEFAULT_CHARSET))[1]

    def message(self, delivery_id: int, email: str, name: str, key) -> bytes:
        token = self.links.token(key)
        preferences_url, unsubscribe_url = self.links.urls(token)
        links = {PREFERENCES_PLACEHOLDER: preferences_url, UNSUBSCRIBE_PLACEHOLDER: unsubscribe_url}
        personal = (
            f"To: {self.recipient_header(email, name)}\r\n"
            f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}\r\n"
            f"Message-ID: {self._message_id[0]}{delivery_id}{self._message_id[1]}\r\n"
        ).encode("ascii")
        unsubscribe = f"List-Unsubscribe: <{unsubscribe_url}>,\r\n <{self.links.mailto(token)}>\r\n".encode("ascii")
        return b"".join([
            self._head, personal, self._tail_headers, unsubscribe, self._after_unsubscribe,
            self._text_open, self._text.fill(links), self._html_open, self._html.fill(links), self._close,
        ])
