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
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from newsletter import bounces, conf, sent_copies, subscriptions
from newsletter.editions import Preferences, edition_items
from newsletter.mailing import newsletter_message
from newsletter.composing import PersonalLinks, PreparedSegment
from newsletter.models import BounceRecord, Delivery, Edition, SegmentRender, Subscriber, SuppressedAddress
from newsletter.models.subscribers import email_hash
from newsletter.ratelimit import RateLimiter
from newsletter.rendering import render_edition
from newsletter.smtp import open_connection, send_one

log = logging.getLogger(__name__)

STALL_SECONDS = 120  # a sending edition without progress for this long is resumed by the periodic tick


class InvalidTransition(Exception):
    """The edition is not in a state that allows the requested action."""


class EmptyEdition(InvalidTransition):
    """The edition has nothing new to send (no item still live and public): editors must act."""


def _require_content(edition: Edition) -> None:
    from newsletter.editions import has_content

    if not has_content(edition):
        raise EmptyEdition(edition.status)


# --- state changes ----------------------------------------------------------------------


def _transition(edition: Edition, allowed: set, **changes) -> Edition:
    updated = Edition.objects.filter(pk=edition.pk, status__in=list(allowed)).update(**changes)
    if not updated:
        edition.refresh_from_db()
        raise InvalidTransition(edition.status)
    edition.refresh_from_db()
    return edition


def approve(edition: Edition, user) -> Edition:
    _require_content(edition)
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

    _require_content(edition)
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
    items = edition_items(edition) if items is None else items
    rendered = render_edition(edition, preferences, items=items)
    try:
        with transaction.atomic():
            return SegmentRender.objects.create(
                edition=edition, key=key, zone_ids=sorted(preferences.zone_ids), topic_ids=sorted(preferences.topic_ids),
                subject=rendered.subject, html=rendered.html, text=rendered.text,
                items_count=rendered.items_count, is_partial=rendered.is_partial,
                items=sent_copies.segment_records(items, preferences),  # kept as sent, for the archive
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
    global _prepared_cache
    _prepared_cache = None  # primary keys can come back (SQLite after a flush): start clean with every send
    items = edition_items(edition)
    # The general segment is the public archive's copy: rendered even if no subscriber gets it.
    segments: dict[str, Preferences] = {sent_copies.GENERAL_KEY: Preferences()}
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
    """Sending or paused with no row left pending: the edition is sent (a pause after the last claim
    has nothing to resume)."""
    if Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING).exists():
        return False
    done = Edition.objects.filter(pk=edition.pk, status__in=[Edition.Status.SENDING, Edition.Status.PAUSED]).update(
        status=Edition.Status.SENT, sent_at=timezone.now()
    )
    edition = refresh_counters(edition)
    if done:
        sent_copies.record_completion(edition)
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
#
# A batch reads its candidates a chunk at a time (one query for a few hundred rows, with the
# subscriber's address, name and key, plus one query for suppressed addresses), then sends
# each one over the batch's single SMTP connection. Each row still gets its own short
# transaction: the claim marks it sent (uncommitted, row locked, SKIP LOCKED so concurrent
# loops never wait on each other) and the commit is sent the instant the final "." of DATA is
# written (newsletter.smtp). A worker killed at any point leaves at most the message on the wire
# in doubt, exactly as before; everything it claimed but had not handed over returns to pending
# when PostgreSQL drops its connection. On PostgreSQL a claim is one round trip
# ("BEGIN; UPDATE ... RETURNING") and a commit another; the message itself is composed from the
# segment's pre-encoded skeleton (newsletter.composing) without Python's email package.

CHUNK_SIZE = 250  # candidate rows read per query
CHECK_EVERY = 100  # messages between progress stamps and looks at the error count (pause/cancel: every claim checks)
SEGMENTS_PER_QUERY = 50  # segment renders read at once (each holds the whole mail)
PREPARED_CACHE_BYTES = 24 * 1024 * 1024  # prepared segments kept across batches, per worker process


class _PreparedCache:
    """Prepared segments of one edition, kept across the batches a worker process runs.

    An edition has a few hundred segments and every chunk of rows touches most of them:
    without this each batch would read and encode them all again. Bounded in bytes (oldest
    out first), so the worker's memory does not grow with the number of segments either.
    """

    def __init__(self, edition_id: int):
        self.edition_id = edition_id
        self.items: OrderedDict[str, PreparedSegment] = OrderedDict()
        self.size = 0

    def get(self, key: str) -> PreparedSegment | None:
        prepared = self.items.get(key)
        if prepared is not None:
            self.items.move_to_end(key)
        return prepared

    def keys(self):
        return self.items.keys()

    def put(self, key: str, prepared: PreparedSegment) -> PreparedSegment:
        old = self.items.pop(key, None)
        if old is not None:
            self.size -= old.size
        self.items[key] = prepared
        self.size += prepared.size
        while self.size > PREPARED_CACHE_BYTES and len(self.items) > 1:
            _key, evicted = self.items.popitem(last=False)
            self.size -= evicted.size
        return prepared


_prepared_cache: _PreparedCache | None = None


def _prepared_segments(edition) -> _PreparedCache:
    """The process's cache for this edition (a new edition starts a new one; renders never change)."""
    global _prepared_cache
    if _prepared_cache is None or _prepared_cache.edition_id != edition.pk:
        _prepared_cache = _PreparedCache(edition.pk)
    return _prepared_cache


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


def _due(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def _claimable(edition, now):
    """Rows a loop may send now, oldest first."""
    return Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING).filter(_due(now)).order_by("pk")


_CANDIDATE_FIELDS = (
    "pk", "segment_key", "attempts", "subscriber_id", "subscriber__email", "subscriber__name", "subscriber__key",
    "subscriber__status",
)


@dataclass
class _Candidate:
    pk: int
    segment_key: str
    attempts: int
    subscriber_id: int | None
    email: str | None
    name: str | None
    key: object
    subscriber_status: str | None


def _candidates(edition, now, after_pk: int, count: int) -> list[_Candidate]:
    rows = _claimable(edition, now).filter(pk__gt=after_pk).values_list(*_CANDIDATE_FIELDS)[:count]
    return [_Candidate(*row) for row in rows]


class _RowClaims:
    """One short transaction per row on Django's connection: claim, then commit (or roll back)."""

    def __init__(self):
        self.db = transaction.get_connection()
        if self.db.in_atomic_block:
            raise RuntimeError("the sending loop manages its own transactions: do not call it inside atomic()")
        self.open = False
        self.preclaimed: tuple[int, int] | None = None  # (row, attempts) claimed with the previous commit
        self.db.ensure_connection()
        self.raw = self.db.vendor == "postgresql"
        if self.raw:
            import psycopg

            self.cursor = psycopg.ClientCursor(self.db.connection)  # simple protocol: several statements at once
            d, s, e = Delivery._meta.db_table, Subscriber._meta.db_table, Edition._meta.db_table
            # The edition's status is part of every claim: a pause or cancel committed by an editor
            # stops the very next claim, without an extra round trip per message.
            self.claim_sql = (
                f"BEGIN; UPDATE {d} SET status = %s, sent_at = now(), attempts = {d}.attempts + 1, last_error = '', "
                f"next_attempt_at = NULL FROM {s} WHERE {d}.id = (SELECT id FROM {d} WHERE id = %s AND status = %s "
                f"AND (next_attempt_at IS NULL OR next_attempt_at <= %s) FOR UPDATE SKIP LOCKED) "
                f"AND {s}.id = {d}.subscriber_id AND {s}.status = %s "
                f"AND EXISTS (SELECT 1 FROM {e} WHERE {e}.id = {d}.edition_id AND {e}.status = %s) "
                f"RETURNING {d}.attempts"
            )

    def claim(self, candidate: _Candidate, now) -> int | None:
        """Mark the row sent inside a new transaction; its attempts after this one, or None if not claimable."""
        if self.preclaimed is not None:
            if self.preclaimed[0] == candidate.pk:
                attempts, self.preclaimed = self.preclaimed[1], None
                return attempts
            self.rollback()
        if self.raw:
            return self._execute_claim(self.claim_sql, self._params(candidate, now))
        self.db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        self.open = True
        try:
            claimed = (
                Delivery.objects.filter(pk=candidate.pk, status=Delivery.Status.PENDING,
                                        subscriber__status=Subscriber.Status.ACTIVE,
                                        edition__status=Edition.Status.SENDING)
                .filter(_due(now))
                .update(status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1,
                        last_error="", next_attempt_at=None)
            )
        except BaseException:
            self.rollback()
            raise
        if not claimed:
            self.rollback()
            return None
        return candidate.attempts + 1

    def _params(self, candidate: _Candidate, now) -> list:
        return [Delivery.Status.SENT, candidate.pk, Delivery.Status.PENDING, now, Subscriber.Status.ACTIVE,
                Edition.Status.SENDING]

    def _execute_claim(self, sql: str, params: list | None) -> int | None:
        self.open = True
        try:
            cursor = self.cursor
            cursor.execute(sql, params)
            while cursor.description is None and cursor.nextset():
                pass
            row = cursor.fetchone() if cursor.description is not None else None
        except BaseException:
            self.rollback()
            raise
        if row is None:
            self.rollback()
            return None
        return row[0]

    def commit_and_claim_sql(self, candidate: _Candidate, now) -> str:
        """The statements for ``commit_and_claim``, built beforehand: the hook then only writes them out."""
        return "COMMIT; " + self.cursor.mogrify(self.claim_sql, self._params(candidate, now))

    def commit_and_claim(self, candidate: _Candidate, sql: str) -> None:
        """Commit the open row and claim the next one in the same round trip (PostgreSQL only).

        Runs at the end of DATA, where every microsecond before the COMMIT reaches the server is
        a window for a crash to send twice: ``sql`` comes ready from ``commit_and_claim_sql``.
        The claim is kept for ``claim(candidate)``; ``rollback`` gives it back.
        """
        attempts = self._execute_claim(sql, None)
        self.preclaimed = (candidate.pk, attempts) if attempts is not None else None

    def commit(self) -> None:
        if not self.open:
            return
        self.open = False
        if self.raw:
            self.cursor.execute("COMMIT")
        else:
            try:
                self.db.commit()
            finally:
                self.db.set_autocommit(True)

    def rollback(self) -> None:
        self.preclaimed = None
        if not self.open:
            return
        self.open = False
        if self.raw:
            try:
                self.cursor.execute("ROLLBACK")
            except Exception:  # a broken connection has no transaction left to roll back
                log.debug("rollback failed", exc_info=True)
        else:
            try:
                self.db.rollback()
            finally:
                self.db.set_autocommit(True)

    def close(self) -> None:
        self.rollback()
        if self.raw:
            self.cursor.close()


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


def _record_failure(edition, delivery_id: int, exc, attempts: int, now) -> tuple[str, bool]:
    """Write the outcome of a failed attempt on the row (inside the row's transaction when it is open).

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
    Delivery.objects.filter(pk=delivery_id).update(
        status=status, attempts=attempts, last_error=text, sent_at=None,
        next_attempt_at=now + datetime.timedelta(seconds=delay) if status == Delivery.Status.PENDING else None,
    )
    Edition.objects.filter(pk=edition.pk).update(error_count=F("error_count") + 1)
    return kind, hard_bounce


class _Sender:
    """The state of one batch: its SMTP connection, its row transactions, the prepared segments."""

    def __init__(self, edition, now, result: BatchResult):
        self.edition = edition
        self.now = now
        self.result = result
        self.claims = _RowClaims()
        self.backend = open_connection()
        self.fast = getattr(self.backend, "supports_transmit_hook", False)
        self.renders: dict[str, SegmentRender] = {}  # only for backends without the fast path
        self.prepared = _prepared_segments(edition)
        self.links = PersonalLinks()

    def close(self) -> None:
        self.claims.close()
        try:
            self.backend.close()
        except Exception:  # a dead connection cannot be closed politely
            log.debug("closing SMTP connection failed", exc_info=True)

    def _render(self, key: str) -> SegmentRender:
        render = self.renders.get(key)
        if render is None:
            render = self.renders[key] = segment_render(self.edition, key)
        return render

    def _prepared(self, key: str) -> PreparedSegment:
        prepared = self.prepared.get(key)
        if prepared is None:
            prepared = self.prepared.put(key, PreparedSegment(self.edition, segment_render(self.edition, key), self.links))
        return prepared

    def load_segments(self, chunk: list[_Candidate]) -> None:
        """Prepare the chunk's segments not prepared yet, reading their renders a few dozen per query."""
        if not self.fast:
            return
        missing = sorted({c.segment_key for c in chunk if c.subscriber_id is not None} - set(self.prepared.keys()))
        for start in range(0, len(missing), SEGMENTS_PER_QUERY):
            renders = SegmentRender.objects.filter(
                edition=self.edition, key__in=missing[start:start + SEGMENTS_PER_QUERY]
            ).only("key", "subject", "html", "text")
            for render in renders:
                self.prepared.put(render.key, PreparedSegment(self.edition, render, self.links))

    def _skip(self, candidate: _Candidate) -> None:
        if Delivery.objects.filter(pk=candidate.pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SKIPPED
        ):
            self.result.skipped += 1

    def _skip_if_left(self, candidate: _Candidate) -> None:
        """A row the claim did not take: skip it if its subscriber left meanwhile (else another loop has it)."""
        left = Q(subscriber__isnull=True) | ~Q(subscriber__status=Subscriber.Status.ACTIVE)
        pending = Delivery.objects.filter(pk=candidate.pk, status=Delivery.Status.PENDING).filter(_due(self.now))
        if pending.filter(left).exists():
            self._skip(candidate)

    @staticmethod
    def sendable(candidate: _Candidate | None, suppressed: set) -> bool:
        return (candidate is not None and candidate.subscriber_id is not None
                and candidate.subscriber_status == Subscriber.Status.ACTIVE
                and email_hash(candidate.email) not in suppressed)

    def deliver(self, candidate: _Candidate, suppressed: set, following: _Candidate | None = None) -> None:
        """Send one row. ``following``: the next row to send, claimed together with this one's commit."""
        if not self.sendable(candidate, suppressed):
            self._skip(candidate)
            return
        if self.fast:
            prepared = self._prepared(candidate.segment_key)
            message = prepared.message(candidate.pk, candidate.email, candidate.name, candidate.key)
        else:  # locmem, console, files: Django's own message object
            subscriber = Subscriber(pk=candidate.subscriber_id, email=candidate.email, name=candidate.name,
                                    key=candidate.key)
            message = newsletter_message(self.edition, subscriber, self._render(candidate.segment_key), candidate.pk)
        attempts = self.claims.claim(candidate, self.now)
        if attempts is None:
            if not Edition.objects.filter(pk=self.edition.pk, status=Edition.Status.SENDING).exists():
                self.result.stopped = Edition.objects.values_list("status", flat=True).get(pk=self.edition.pk)
                return  # paused or cancelled: the claim refused it, the row stays pending
            self._skip_if_left(candidate)
            return
        reconnect = False
        bounced = None
        try:
            if self.fast:
                if following is not None and self.claims.raw:
                    on_transmitted = partial(self.claims.commit_and_claim, following,
                                             self.claims.commit_and_claim_sql(following, self.now))
                else:
                    on_transmitted = self.claims.commit
                self._send_raw(prepared, candidate.email, message, on_transmitted,
                               bounces.return_path(candidate.pk, prepared.envelope_from))  # VERP
            else:
                send_one(self.backend, message, on_transmitted=self.claims.commit)
            self.result.sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            # Either nothing was committed (error before the end of DATA) or the server refused the
            # message after it: in both cases the row is rewritten with the failure, then committed.
            reconnect = isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)) or not isinstance(
                exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)
            )
            if self.claims.preclaimed is not None:  # refused after DATA: this row is committed, free the next
                self.claims.rollback()
            try:
                kind, hard_bounce = _record_failure(self.edition, candidate.pk, exc, attempts, self.now)
                self.claims.commit()
            except BaseException:
                self.claims.rollback()
                raise
            setattr(self.result, kind, getattr(self.result, kind) + 1)
            text = _error_text(exc)
            self.result.errors.append(text)
            log.warning("newsletter %s: delivery %s %s: %s", self.edition.number, candidate.pk, kind, text)
            if hard_bounce:
                bounced = (candidate.email, text)
        except BaseException:
            self.claims.rollback()
            raise
        else:
            if self.claims.preclaimed is None:  # else the open transaction is the next row's
                self.claims.commit()  # no-op when the hook committed at the end of DATA (always, over SMTP)
        if bounced:  # after the row's commit: suppression has its own transaction
            subscriptions.record_bounce(bounced[0], BounceRecord.Kind.HARD, bounced[1], self.edition)
        if reconnect:
            try:
                self.backend.close()
            except Exception:
                log.debug("closing SMTP connection failed", exc_info=True)
            self.backend.open()

    def _send_raw(self, prepared: PreparedSegment, email: str, message: bytes, on_transmitted,
                  envelope_from: str) -> None:
        if self.backend.connection is None:
            self.backend.open()
        smtp = self.backend.connection
        smtp.on_transmitted = on_transmitted
        try:
            smtp.sendmail(envelope_from, [prepared.envelope_to(email)], message)
        finally:
            smtp.on_transmitted = None


def _suppressed(candidates: list[_Candidate]) -> set:
    hashes = {email_hash(c.email) for c in candidates if c.email}
    if not hashes:
        return set()
    return set(SuppressedAddress.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True))


def run_batch(edition_id: int, now: datetime.datetime | None = None, limit: int | None = None) -> BatchResult:
    """Send up to ``limit`` pending deliveries over one SMTP connection; stops on pause/cancel/threshold."""
    result = BatchResult()
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None or edition.status != Edition.Status.SENDING:  # deleted, or a stale task
        result.stopped = edition.status if edition else "missing"
        return result
    limit = limit or conf.batch_size()
    limiter = RateLimiter(conf.rate_per_second())
    pipelined = limiter.per_second <= 0  # with a rate limit each claim waits for its slot first
    sender = _Sender(edition, now or timezone.now(), result)
    after_pk = 0
    checked_at = 0
    try:
        while result.handled < limit and not result.stopped:
            chunk = _candidates(edition, sender.now, after_pk, min(CHUNK_SIZE, limit - result.handled))
            if not chunk:
                break
            suppressed = _suppressed(chunk)
            sender.load_segments(chunk)
            for index, candidate in enumerate(chunk):
                if result.handled >= limit:
                    break
                if result.handled - checked_at >= CHECK_EVERY:
                    checked_at = result.handled
                    edition.refresh_from_db(fields=["status", "error_count"])
                    Edition.objects.filter(pk=edition.pk).update(last_progress_at=timezone.now())
                if edition.status != Edition.Status.SENDING or result.stopped:
                    result.stopped = result.stopped or edition.status
                    break
                if edition.error_count >= conf.error_threshold():
                    result.stopped = "threshold"
                    break
                limiter.wait()
                errors_before = len(result.errors)
                after_pk = candidate.pk
                following = chunk[index + 1] if pipelined and index + 1 < len(chunk) else None
                if following is not None and (result.handled + 1 >= limit or not sender.sendable(following, suppressed)):
                    following = None
                sender.deliver(candidate, suppressed, following)
                if len(result.errors) > errors_before:
                    edition.refresh_from_db(fields=["status", "error_count"])
    finally:
        sender.close()
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
