"""Bounces after the SMTP session: VERP Return-Path, delivery status notifications, mailto unsubscribes.

A relay that accepts a message and fails to deliver it later reports back by mail to the
envelope sender (the Return-Path). Each newsletter message gets its own envelope sender,
``bounces+<delivery>-<signature>@domain`` (VERP): the report then says which delivery failed
however the remote server words it, and the signature keeps anyone from suppressing an
address by mailing a made-up report. Reports are read from that mailbox over IMAP
(``newsletter.imap``, the ``read_bounce_mailbox`` task and the ``newsletter_read_bounces``
command) and parsed as RFC 3464 delivery status notifications (or RFC 5965 complaints):
permanent failures suppress the address at once, temporary ones after
``NEWSLETTER_SOFT_BOUNCE_THRESHOLD`` of them (``subscriptions.record_bounce``).

The same reading processes the ``mailto:`` form of List-Unsubscribe: a mail whose subject
carries "disiscrizione <personal token>" unsubscribes the subscriber of that token.
"""
from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses

from django.db import transaction
from django.db.models import F
from newsletter import conf
from newsletter.verp import delivery_id_from

log = logging.getLogger(__name__)

UNSUBSCRIBE_SUBJECT = "disiscrizione"
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_UNSUBSCRIBE = re.compile(UNSUBSCRIBE_SUBJECT + r"\s+([A-Za-z0-9_:\-]+)", re.IGNORECASE)
# Permanent status codes that still say nothing against the address: mailbox full, message too
# big, refused by policy (reputation, content). They count as soft bounces.
_SOFT_PERMANENT = ("5.2.2", "5.3.4", "5.7.")


_ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Return-Path")


def _delivery_id_in(message: Message) -> int | None:
    for header in _ENVELOPE_HEADERS:
        for _name, address in getaddresses([str(v) for v in message.get_all(header, [])]):
            found = delivery_id_from(address)
            if found is not None:
                return found
    return None


# --- reading reports (RFC 3464, RFC 5965) ----------------------------------------------------


@dataclass
class RecipientStatus:
    recipient: str
    action: str
    status: str
    diagnostic: str = ""

    @property
    def kind(self) -> str | None:
        """"hard", "soft" or None (delivered, relayed, only delayed: not a bounce)."""
        if self.action not in ("failed", ""):
            return None
        if self.status.startswith("5.") and not self.status.startswith(_SOFT_PERMANENT):
            return "hard"
        if self.status.startswith(("4.", "5.")):
            return "soft"
        return None


@dataclass
class Report:
    """What one mail in the bounce (or unsubscribe) mailbox says."""

    delivery_id: int | None = None
    complaint: bool = False
    recipients: list[RecipientStatus] = field(default_factory=list)
    unsubscribe_token: str | None = None
    message_id: str = ""

    @property
    def kind(self) -> str | None:
        if self.complaint:
            return "complaint"
        kinds = {r.kind for r in self.recipients}
        return "hard" if "hard" in kinds else "soft" if "soft" in kinds else None

    @property
    def detail(self) -> str:
        return "; ".join(f"{r.status} {r.diagnostic}".strip() for r in self.recipients if r.kind)[:300]


def _field(block: Message, name: str) -> str:
    value = block.get(name, "") or ""
    value = " ".join(str(value).split())
    return value.partition(";")[2].strip() if ";" in value and name != "Action" else value


def _delivery_status_blocks(part: Message) -> list[Message]:
    """The field groups of a message/delivery-status part (the first one is per message)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload
    raw = payload.encode() if isinstance(payload, str) else bytes(payload or b"")
    return [email.message_from_bytes(chunk, policy=email.policy.compat32)
            for chunk in re.split(rb"\r?\n\r?\n", raw) if chunk.strip()]


def _statuses(message: Message) -> list[RecipientStatus]:
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        out = []
        for block in _delivery_status_blocks(part)[1:]:
            recipient = _field(block, "Final-Recipient") or _field(block, "Original-Recipient")
            action = (block.get("Action", "") or "").strip().lower()
            status = (block.get("Status", "") or "").strip().split(" ")[0]
            diagnostic = _field(block, "Diagnostic-Code")
            if recipient or status:
                out.append(RecipientStatus(recipient, action, status, diagnostic[:200]))
        return out
    return []


def _plain_bounce(message: Message) -> list[RecipientStatus]:
    """An old-style bounce (no DSN): the first enhanced status code of its text, if any."""
    if str(message.get("Auto-Submitted", "")).lower().startswith("auto-replied"):
        return []  # a vacation reply to the Return-Path, not a failure
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            try:
                text = part.get_content()
            except (LookupError, ValueError):
                continue
            found = _STATUS.search(text)
            if found and found.group(1) in "45":
                return [RecipientStatus("", "failed", found.group(0), text[found.start():found.start() + 150])]
    return []


def parse(raw: bytes) -> Report:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    report = Report(message_id=str(message.get("Message-ID", "") or "").strip())
    subject = str(message.get("Subject", "") or "")
    wanted = _UNSUBSCRIBE.search(subject)
    if wanted:
        report.unsubscribe_token = wanted.group(1)
        return report
    report.delivery_id = _delivery_id_in(message)
    if message.get_content_type() == "multipart/report":
        report_type = (message.get_param("report-type") or "").lower()
        if report_type == "feedback-report":
            report.complaint = True
            return report
        report.recipients = _statuses(message)
    else:
        report.recipients = _plain_bounce(message)
    return report


# --- acting on reports ------------------------------------------------------------------------


def _fingerprint(report: Report, raw: bytes) -> str:
    """The same report (its Message-ID, else its bytes) about the same delivery."""
    return hashlib.sha256(f"{report.delivery_id}:".encode() + (report.message_id.encode() or raw)).hexdigest()


def process(raw: bytes, *, bounces: bool = True) -> str:
    """Act on one mail; returns what it was: "hard", "soft", "complaint", "unsubscribed", "ignored".

    ``bounces=False`` (a mailbox that only receives unsubscribe mail) acts on unsubscribe requests only.
    A report already processed (same Message-ID) is ignored: reading again never counts twice.
    """
    from newsletter import subscriptions
    from newsletter.models import BounceRecord, ConsentRecord, Delivery, Edition

    report = parse(raw)
    if report.unsubscribe_token:
        from newsletter.models import Subscriber
        from newsletter.tokens import InvalidToken, read_personal_token

        try:
            key = read_personal_token(report.unsubscribe_token)
        except InvalidToken:
            return "ignored"
        subscriber = Subscriber.objects.filter(key=key).first()
        if subscriber is None:
            return "ignored"
        changed = subscriptions.unsubscribe(subscriber, source=ConsentRecord.Source.MAILTO)
        return "unsubscribed" if changed else "ignored"
    if not bounces or report.kind is None or report.delivery_id is None:
        return "ignored"
    fingerprint = _fingerprint(report, raw)
    if BounceRecord.objects.filter(report_fingerprint=fingerprint).exists():
        return "ignored"
    delivery = Delivery.objects.select_related("subscriber", "edition").filter(pk=report.delivery_id).first()
    if delivery is None or delivery.subscriber is None:  # erased meanwhile: nothing to suppress
        return "ignored"
    with transaction.atomic():
        record = subscriptions.record_bounce(delivery.subscriber.email, report.kind, report.detail, delivery.edition)
        BounceRecord.objects.filter(pk=record.pk).update(report_fingerprint=fingerprint)
        if report.kind == "hard" and Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENT).update(
            status=Delivery.Status.BOUNCED, last_error=report.detail[:500]
        ):
            Edition.objects.filter(pk=delivery.edition_id).update(
                sent_count=F("sent_count") - 1, failed_count=F("failed_count") + 1
            )
    return report.kind


def read_mailboxes() -> Counter:
    """Read the bounce mailbox, and the unsubscribe one when it is a different mailbox."""
    from newsletter import imap

    outcomes: Counter = Counter()
    bounce_account = conf.imap_account("BOUNCE")
    unsubscribe_account = conf.imap_account("UNSUBSCRIBE")
    if bounce_account:
        with imap.Mailbox(bounce_account) as box:
            for uid, raw in box.unseen():
                outcomes[process(raw)] += 1
                box.mark_seen(uid)
    if unsubscribe_account and unsubscribe_account != bounce_account:
        with imap.Mailbox(unsubscribe_account) as box:
            # A shared mailbox (the editors' reply-to): only the unsubscribe mails are read and marked.
            for uid, raw in box.unseen(subject=UNSUBSCRIBE_SUBJECT):
                outcomes[process(raw, bounces=False)] += 1
                box.mark_seen(uid)
    return outcomes
