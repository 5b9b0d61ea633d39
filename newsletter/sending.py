"""Sending an edition: fan-out into delivery rows, batches that claim rows one by one, state changes.

Each (edition, subscriber) has one Delivery row (unique constraint). A row is
claimed with SELECT ... FOR UPDATE SKIP LOCKED inside its own transaction, which
is committed as "sent" the moment the SMTP server has the whole message (see
newsletter.smtp). A worker that dies leaves its claimed row uncommitted, so
PostgreSQL releases it as still pending: a restart neither skips nor repeats.
"""
from __future__ import annotations

import datetime
import logging
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from newsletter import conf, subscriptions
from newsletter.editions import Preferences, edition_items
from newsletter.mailing import newsletter_message
from newsletter.models import BounceRecord, Delivery, Edition, SegmentRender, Subscriber
from newsletter.ratelimit import RateLimiter
from newsletter.rendering import render_edition
from newsletter.smtp import open_connection, send_one

log = logging.getLogger(__name__)

STALL_SECONDS = 120  # a sending edition without progress for this long is resumed by the periodic tick


class InvalidTransition(Exception):
    """The edition is not in a state that allows the requested action."""


# --- state changes ----------------------------------------------------------------------


def _transition(edition: Edition, allowed: set, **changes) -> Edition:
    updated = Edition.objects.filter(pk=edition.pk, status__in=list(allowed)).update(**changes)
    if not updated:
        edition.refresh_from_db()
        raise InvalidTransition(edition.status)
    edition.refresh_from_db()
    return edition


def approve(edition: Edition, user) -> Edition:
    return _transition(
        edition, {Edition.Status.DRAFT}, status=Edition.Status.APPROVED, approved_by=user, approved_at=timezone.now()
    )


def back_to_draft(edition: Edition) -> Edition:
    """Any change to an approved edition needs a new approval."""
    return _transition(
        edition, {Edition.Status.APPROVED, Edition.Status.SCHEDULED, Edition.Status.DRAFT},
        status=Edition.Status.DRAFT, approved_by=None, approved_at=None, scheduled_at=None,
    )


def schedule(edition: Edition, when: datetime.datetime) -> Edition:
    return _transition(
        edition, {Edition.Status.APPROVED, Edition.Status.SCHEDULED}, status=Edition.Status.SCHEDULED, scheduled_at=when
    )


def start_sending(edition: Edition) -> Edition:
    """Approved or scheduled -> sending; the fan-out runs after commit."""
    from newsletter import tasks

    now = timezone.now()
    edition = _transition(
        edition, Edition.SENDABLE, status=Edition.Status.SENDING, error_count=0, last_progress_at=now,
        send_started_at=now,
    )
    transaction.on_commit(lambda: tasks.fan_out.delay(edition.pk))
    return edition


def pause(edition: Edition) -> Edition:
    return _transition(edition, {Edition.Status.SENDING}, status=Edition.Status.PAUSED)


def resume(edition: Edition) -> Edition:
    from newsletter import tasks

    edition = _transition(
        edition, {Edition.Status.PAUSED}, status=Edition.Status.SENDING, error_count=0, last_progress_at=timezone.now()
    )
    transaction.on_commit(lambda: tasks.fan_out.delay(edition.pk))
    return edition


def cancel(edition: Edition) -> Edition:
    with transaction.atomic():
        edition = _transition(
            edition,
            {Edition.Status.APPROVED, Edition.Status.SCHEDULED, Edition.Status.SENDING, Edition.Status.PAUSED},
            status=Edition.Status.CANCELLED,
        )
        Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING).update(status=Delivery.Status.SKIPPED)
    refresh_counters(edition)
    return edition


# --- fan-out -------------------------------------------------------------------------------


def segment_render(edition: Edition, key: str, preferences: Preferences | None = None, items=None) -> SegmentRender:
    """The stored render of a segment, rendering it the first time (concurrent callers get the same row)."""
    existing = SegmentRender.objects.filter(edition=edition, key=key).first()
    if existing:
        return existing
    if preferences is None:
        preferences = _preferences_for_key(edition, key)
    rendered = render_edition(edition, preferences, items=items)
    try:
        with transaction.atomic():
            return SegmentRender.objects.create(
                edition=edition, key=key, zone_ids=sorted(preferences.zone_ids), topic_ids=sorted(preferences.topic_ids),
                subject=rendered.subject, html=rendered.html, text=rendered.text,
                items_count=rendered.items_count, is_partial=rendered.is_partial,
            )
    except IntegrityError:
        return SegmentRender.objects.get(edition=edition, key=key)


def _preferences_for_key(edition, key) -> Preferences:
    """Recover a segment's preferences from any subscriber of it (rows carry only the key)."""
    row = Delivery.objects.filter(edition=edition, segment_key=key, subscriber__isnull=False).select_related(
        "subscriber"
    ).first()
    return Preferences.of(row.subscriber) if row else Preferences()


def fan_out(edition: Edition) -> int:
    """Create the missing delivery rows for active subscribers and render each segment once.

    Idempotent: rows that exist are kept as they are (bulk_create ignores conflicts).
    Returns the number of delivery rows of the edition.
    """
    items = edition_items(edition)
    segments: dict[str, Preferences] = {}
    subscribers = (
        Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
        .prefetch_related("zones", "topics").order_by("pk")
    )
    chunk: list[Delivery] = []
    for subscriber in subscribers.iterator(chunk_size=1000):
        preferences = Preferences.of(subscriber)
        segments.setdefault(preferences.key, preferences)
        chunk.append(Delivery(edition=edition, subscriber=subscriber, segment_key=preferences.key))
        if len(chunk) >= 1000:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
    for key, preferences in segments.items():
        segment_render(edition, key, preferences, items=items)
    return refresh_counters(edition).recipients_count


# --- counters and completion ------------------------------------------------------------------


def progress(edition: Edition) -> dict:
    counts = dict(
        Delivery.objects.filter(edition=edition).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "status": edition.status,
        "status_label": str(Edition.Status(edition.status).label),
        "total": sum(counts.values()),
        "sent": counts.get(Delivery.Status.SENT, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0) + counts.get(Delivery.Status.BOUNCED, 0),
        "pending": counts.get(Delivery.Status.PENDING, 0),
        "skipped": counts.get(Delivery.Status.SKIPPED, 0),
    }


def refresh_counters(edition: Edition) -> Edition:
    numbers = progress(edition)
    Edition.objects.filter(pk=edition.pk).update(
        recipients_count=numbers["total"], sent_count=numbers["sent"], failed_count=numbers["failed"]
    )
    edition.refresh_from_db()
    return edition


def finish_if_done(edition: Edition) -> bool:
    if Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING).exists():
        return False
    done = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
        status=Edition.Status.SENT, sent_at=timezone.now()
    )
    refresh_counters(edition)
    return bool(done)


def next_retry_delay(edition: Edition, now: datetime.datetime | None = None) -> float | None:
    """Seconds until the earliest deferred row is due (0 if some are due now, None if none wait)."""
    now = now or timezone.now()
    pending = Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING)
    if not pending.exists():
        return None
    earliest = pending.aggregate(m=Min("next_attempt_at"))["m"]
    if earliest is None or pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).exists():
        return 0
    return max(0.0, (earliest - now).total_seconds())


# --- the batch loop ---------------------------------------------------------------------------


@dataclass
class BatchResult:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    skipped: int = 0
    stopped: str = ""  # why the loop ended early: "paused", "cancelled", "threshold", ...
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.deferred + self.failed + self.skipped


@contextmanager
def _row_transaction():
    """A transaction we commit by hand (from inside the SMTP session); always back to autocommit after."""
    db = transaction.get_connection()
    if db.in_atomic_block:
        raise RuntimeError("the sending loop manages its own transactions: do not call it inside atomic()")
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    else:
        db.commit()
    finally:
        db.set_autocommit(True)


def _claimable(edition, now):
    return (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(edition=edition, status=Delivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .select_related("subscriber")
        .order_by("pk")
    )


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return codes[0] if codes else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _error_text(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}" for code, msg in exc.recipients.values()]
        return "; ".join(parts)[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {msg}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


def _record_failure(edition, row, exc, attempts: int, now) -> tuple[str, bool]:
    """Write the outcome of a failed attempt on the row (inside the row's transaction).

    Returns the kind ("deferred" or "failed") and whether it was a hard bounce.
    """
    code = _smtp_code(exc)
    text = _error_text(exc)
    hard_bounce = isinstance(exc, smtplib.SMTPRecipientsRefused) and code is not None and 500 <= code < 600
    permanent = code is not None and 500 <= code < 600
    if hard_bounce:
        status, kind = Delivery.Status.BOUNCED, "failed"
    elif permanent:
        status, kind = Delivery.Status.FAILED, "failed"
    elif attempts >= conf.max_attempts():
        status, kind = Delivery.Status.FAILED, "failed"
    else:
        status, kind = Delivery.Status.PENDING, "deferred"
    delay = conf.retry_base_seconds() * (2 ** max(0, attempts - 1))
    Delivery.objects.filter(pk=row.pk).update(
        status=status, attempts=attempts, last_error=text, sent_at=None,
        next_attempt_at=now + datetime.timedelta(seconds=delay) if status == Delivery.Status.PENDING else None,
    )
    Edition.objects.filter(pk=edition.pk).update(error_count=F("error_count") + 1)
    return kind, hard_bounce


def _deliver_next(edition, backend, renders, now, result: BatchResult) -> bool:
    """Claim, send and record one delivery. False when nothing is claimable now."""
    db = transaction.get_connection()
    reconnect = False
    bounced = None
    with _row_transaction():
        row = _claimable(edition, now).first()
        if row is None:
            return False
        subscriber = row.subscriber
        if subscriber is None or subscriber.status != Subscriber.Status.ACTIVE or subscriptions.is_suppressed(subscriber.email):
            Delivery.objects.filter(pk=row.pk).update(status=Delivery.Status.SKIPPED)
            result.skipped += 1
            return True
        render = renders.get(row.segment_key)
        if render is None:
            render = renders[row.segment_key] = segment_render(edition, row.segment_key)
        message = newsletter_message(edition, subscriber, render, row.pk)
        attempts = row.attempts + 1
        Delivery.objects.filter(pk=row.pk).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=attempts, last_error="", next_attempt_at=None
        )
        try:
            send_one(backend, message, on_transmitted=db.commit)
            result.sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            # Either nothing was committed (error before the end of DATA) or the server refused the
            # message after it: in both cases the row is rewritten with the failure, then committed.
            reconnect = isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)) or not isinstance(
                exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)
            )
            kind, hard_bounce = _record_failure(edition, row, exc, attempts, now)
            setattr(result, kind, getattr(result, kind) + 1)
            result.errors.append(_error_text(exc))
            log.warning("newsletter %s: delivery %s %s: %s", edition.number, row.pk, kind, _error_text(exc))
            if hard_bounce:
                bounced = (subscriber.email, _error_text(exc))
    if bounced:  # after the row's commit: suppression has its own transaction
        subscriptions.record_bounce(bounced[0], BounceRecord.Kind.HARD, bounced[1], edition)
    if reconnect:
        backend.close()
        backend.open()
    return True


def run_batch(edition_id: int, now: datetime.datetime | None = None, limit: int | None = None) -> BatchResult:
    """Send up to ``limit`` pending deliveries over one SMTP connection; stops on pause/cancel/threshold."""
    result = BatchResult()
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None or edition.status != Edition.Status.SENDING:  # deleted, or a stale task
        result.stopped = edition.status if edition else "missing"
        return result
    limit = limit or conf.batch_size()
    limiter = RateLimiter(conf.rate_per_second())
    renders: dict[str, SegmentRender] = {}
    backend = open_connection()
    try:
        while result.handled < limit:
            if result.handled % 20 == 0 and result.handled:
                edition.refresh_from_db(fields=["status", "error_count"])
                Edition.objects.filter(pk=edition.pk).update(last_progress_at=timezone.now())
            if edition.status != Edition.Status.SENDING:
                result.stopped = edition.status
                break
            if edition.error_count >= conf.error_threshold():
                result.stopped = "threshold"
                break
            limiter.wait()
            errors_before = len(result.errors)
            if not _deliver_next(edition, backend, renders, now or timezone.now(), result):
                break
            if len(result.errors) > errors_before:
                edition.refresh_from_db(fields=["status", "error_count"])
    finally:
        try:
            backend.close()
        except Exception:  # a dead connection cannot be closed politely
            log.debug("closing SMTP connection failed", exc_info=True)
    edition.refresh_from_db()
    if edition.status == Edition.Status.SENDING and edition.error_count >= conf.error_threshold():
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(status=Edition.Status.PAUSED)
        log.error("newsletter %s paused: %s SMTP errors", edition.number, edition.error_count)
        result.stopped = "threshold"
    Edition.objects.filter(pk=edition.pk).update(last_progress_at=timezone.now())
    refresh_counters(edition)
    finish_if_done(edition)
    return result


# --- test sends -------------------------------------------------------------------------------


def send_test(edition: Edition, addresses: list[str]) -> int:
    """A proof of the full edition to the given addresses, over one connection. Raises on SMTP errors."""
    from django.core.mail import get_connection

    from newsletter.mailing import test_message

    rendered = render_edition(edition)
    backend = get_connection(fail_silently=False)
    messages = [test_message(edition, rendered, address, connection=backend) for address in addresses]
    return backend.send_messages(messages)
