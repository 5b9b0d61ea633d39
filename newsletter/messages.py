"""Building newsletter messages: the one way a mail of an edition is put together.

Listmonk's "message" layer: everything that is the same for every subscriber of a segment
(From, Subject, Reply-To, List-Id, List-Archive, the MIME skeleton, the bodies between the
personal links) is encoded once per segment (``PreparedSegment``); per message only the
recipient, Date, Message-ID, the RFC 8058 List-Unsubscribe headers and the subscriber's own
links are produced, the bodies quoted-printable encoded by ``binascii`` (C). Python's
``email`` package (header folding, pure-Python quoted-printable) costs more per message
than the SMTP exchange itself at hundreds of messages a second.

The result is a standard multipart/alternative message (text/plain, then text/html, both
UTF-8 quoted-printable, 7-bit clean) with CRLF line ends, ready for ``smtplib.sendmail``;
``newsletter.transport`` hands the same bytes to Django's other backends (console, files,
locmem), and editors' proof copies are built by the same code with generic links.

A subscriber's personal links (token, preferences, unsubscribe, the mailto form) are made by
``personal_links`` only: mails, notices and pages all call it.
"""
from __future__ import annotations

import binascii
import html
import re
import secrets
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.urls import reverse

from newsletter import conf, tokens, verp
from newsletter.rendering import PREFERENCES_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER, generic_links

_CRLF = b"\r\n"
_TOKEN_SENTINEL = "NEWSLETTERTOKENSENTINEL"


# --- identity of the list ----------------------------------------------------------------


def sender_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or (urlsplit(conf.public_base_url()).hostname or "localhost")


def list_id() -> str:
    return f"Newsletter CdP Inclusione Toscana <newsletter.{sender_domain()}>"


def message_id(edition, delivery_id) -> str:
    """Stable per delivery: a retried message keeps its identity."""
    return f"<newsletter.{edition.number}.{delivery_id}@{sender_domain()}>"


def envelope_sender(subscriber, edition) -> str:
    """The envelope sender (SMTP MAIL FROM, the Return-Path bounces go to) of one message.

    The one place it is chosen: a VERP address naming the delivery (``newsletter.verp``) when
    NEWSLETTER_BOUNCE_ADDRESS is set and the message is a delivery of the sending loop, else the
    address of DEFAULT_FROM_EMAIL (proofs, or no bounce mailbox). ``subscriber`` has
    ``email`` and ``key``: a Subscriber, or the sending loop's ``delivery_rows.Recipient`` (whose
    ``subscriber_id`` is the subscriber's id and ``pk`` the delivery row's); None for editors'
    proof copies. ``edition`` is the Edition being sent.
    """
    default = _default_envelope_sender(settings.DEFAULT_FROM_EMAIL)
    if not hasattr(subscriber, "subscriber_id"):  # a Subscriber or None, not a delivery row: no delivery to name
        return default
    return verp.return_path(subscriber.pk, default)


@lru_cache(maxsize=8)
def _default_envelope_sender(from_email: str) -> str:
    return parseaddr(from_email)[1] or from_email


# --- a subscriber's personal links ---------------------------------------------------------


@dataclass(frozen=True)
class PersonalLinks:
    """The signed token of a subscriber and the links every mail carries."""

    token: str
    preferences_path: str
    unsubscribe_path: str
    preferences_url: str
    unsubscribe_url: str
    unsubscribe_mailto: str


@lru_cache(maxsize=8)
def _link_templates(base_url: str, mailto: str, urlconf) -> tuple:
    """The paths split around the token: reverse() once, not once per subscriber."""
    preferences = reverse("newsletter:preferences", args=[_TOKEN_SENTINEL]).split(_TOKEN_SENTINEL)
    unsubscribe = reverse("newsletter:unsubscribe", args=[_TOKEN_SENTINEL]).split(_TOKEN_SENTINEL)
    return preferences, unsubscribe


def personal_links(subscriber) -> PersonalLinks:
    """The personal links of ``subscriber`` (anything with a ``key``): the only function that makes them.

    Tokens are URL-safe (UUID, ':' and urlsafe base64), so they go into the paths as they are.
    """
    token = tokens.personal_token(subscriber)
    base = conf.public_base_url()
    mailto = conf.unsubscribe_mailto()
    preferences, unsubscribe = _link_templates(base, mailto, getattr(settings, "ROOT_URLCONF", None))
    preferences_path, unsubscribe_path = token.join(preferences), token.join(unsubscribe)
    return PersonalLinks(
        token=token,
        preferences_path=preferences_path,
        unsubscribe_path=unsubscribe_path,
        preferences_url=base + preferences_path,
        unsubscribe_url=base + unsubscribe_path,
        unsubscribe_mailto=f"mailto:{mailto}?subject={quote('disiscrizione ' + token)}",
    )


def list_headers(unsubscribe_url: str, token: str) -> dict:
    """RFC 2369 / RFC 8058 headers for mails built with Django's EmailMessage (the alerts' digests):
    the same one-click URL plus ``mailto:`` form as the newsletter's own wire headers."""
    mailto = f"mailto:{conf.unsubscribe_mailto()}?subject={quote('disiscrizione ' + token)}"
    return {
        "List-Id": list_id(),
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Archive": f"<{conf.absolute_url(reverse('newsletter:archive'))}>",
    }


# --- the wire form --------------------------------------------------------------------------


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


def recipient_header(email: str, name: str) -> str:
    name = _one_line(name or "")
    if not email.isascii():
        return sanitize_address((name, email), settings.DEFAULT_CHARSET)
    return formataddr((name, email), charset="utf-8") if name else email


def envelope_recipient(email: str) -> str:
    """The RCPT TO form of an address (an IDN domain in its ASCII form)."""
    if email.isascii():
        return email
    return parseaddr(sanitize_address(email, settings.DEFAULT_CHARSET))[1]


class PreparedSegment:
    """One segment's message with holes for the recipient and their links.

    ``render`` is a stored ``SegmentRender`` (or anything with subject, html and text);
    ``proof`` builds editors' proof copies: "[PROVA]" subject, no List-Unsubscribe.
    """

    def __init__(self, edition, render, *, proof: bool = False):
        self.edition = edition
        self.proof = proof
        self._message_id = (f"<newsletter.{edition.number}.", f"@{sender_domain()}>")  # as message_id()
        self.boundary = f"=_cdp_{secrets.token_hex(12)}_="  # '=_' never occurs in quoted-printable
        charset = settings.DEFAULT_CHARSET
        subject = f"[PROVA] {render.subject}" if proof else render.subject
        self._head = b"".join([
            f'Content-Type: multipart/alternative;\r\n boundary="{self.boundary}"\r\n'.encode("ascii"),
            b"MIME-Version: 1.0\r\n",
            _header("Subject", _one_line(subject)),
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

    def _bodies(self, preferences_url: str, unsubscribe_url: str) -> list[bytes]:
        links = {PREFERENCES_PLACEHOLDER: preferences_url, UNSUBSCRIBE_PLACEHOLDER: unsubscribe_url}
        return [self._text_open, self._text.fill(links), self._html_open, self._html.fill(links), self._close]

    def _personal_head(self, to: str, delivery_id) -> bytes:
        ident = f"{self._message_id[0]}{delivery_id}{self._message_id[1]}" if delivery_id is not None else \
            f"<newsletter.{self.edition.number}.prova.{secrets.token_hex(8)}@{sender_domain()}>"
        return (
            f"To: {to}\r\n"
            f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}\r\n"
            f"Message-ID: {ident}\r\n"
        ).encode("ascii")

    def message(self, delivery_id: int, subscriber) -> bytes:
        """The mail of one delivery; ``subscriber`` has ``email``, ``name`` and ``key``."""
        links = personal_links(subscriber)
        unsubscribe = (f"List-Unsubscribe: <{links.unsubscribe_url}>,\r\n <{links.unsubscribe_mailto}>\r\n"
                       .encode("ascii"))
        return b"".join([
            self._head, self._personal_head(recipient_header(subscriber.email, subscriber.name), delivery_id),
            self._tail_headers, unsubscribe, self._after_unsubscribe,
            *self._bodies(links.preferences_url, links.unsubscribe_url),
        ])

    def proof_message(self, address: str) -> bytes:
        """An editors' proof copy: same content, generic links (the public page), no unsubscribe headers."""
        preferences_url, unsubscribe_url = generic_links()
        return b"".join([
            self._head, self._personal_head(recipient_header(address, ""), None), self._tail_headers, _CRLF,
            *self._bodies(preferences_url, unsubscribe_url),
        ])
