"""One sending batch: claim a row, build its message, hand it to the server, record the outcome.

A batch reads its recipients a chunk at a time (one query for a few hundred rows, with the
subscriber's address, name and key, plus one query for suppressed addresses), then sends
each one over the batch's single SMTP connection. Each row still gets its own short
transaction: the claim marks it sent (uncommitted, row locked, SKIP LOCKED so concurrent
loops never wait on each other) and the commit is sent the instant the final "." of DATA is
written (``newsletter.transport``). A worker killed at any point leaves at most the message on
the wire in doubt; everything it claimed but had not handed over returns to pending when
PostgreSQL drops its connection. The message itself comes from the segment's prepared
skeleton (``newsletter.messages``).
"""
from __future__ import annotations

import datetime
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial

from django.utils import timezone

from newsletter import conf, delivery_rows, edition_state, pacing, subscriptions, transport
from newsletter.delivery_rows import Recipient, RowClaims
from newsletter.messages import PreparedSegment, envelope_recipient, envelope_sender
from newsletter.models import BounceRecord, Edition, SegmentRender
from newsletter.rendering import render_edition

log = logging.getLogger(__name__)

PREPARED_CACHE_BYTES = 24 * 1024 * 1024  # prepared segments kept across batches, per worker process


class _PreparedCache:
    """Prepared segments of one edition, kept across the batches a worker process runs.

    An edition has a few hundred segments and every chunk of rows touches most of them:
    without this each batch would read and encode them all again. Bounded in bytes (oldest
    out first), so the worker's memory does not grow with the number of segments either.
    """

    def __init__(self, identity):
        self.identity = identity
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
    """The process's cache for this edition (renders never change once stored).

    Keyed by the edition's id and creation time: primary keys can come back (SQLite after a flush).
    """
    global _prepared_cache
    identity = (edition.pk, edition.created_at)
    if _prepared_cache is None or _prepared_cache.identity != identity:
        _prepared_cache = _PreparedCache(identity)
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


class _Sender:
    """The state of one batch: its SMTP connection, its row transactions, the prepared segments."""

    def __init__(self, edition, now, result: BatchResult):
        self.edition = edition
        self.now = now
        self.result = result
        self.claims = RowClaims()
        self.backend = transport.open_connection()
        self.prepared = _prepared_segments(edition)

    def close(self) -> None:
        self.claims.close()
        transport.close_quietly(self.backend)

    def _prepared(self, key: str) -> PreparedSegment:
        prepared = self.prepared.get(key)
        if prepared is None:
            render = delivery_rows.segment_render(self.edition, key)
            prepared = self.prepared.put(key, PreparedSegment(self.edition, render))
        return prepared

    def load_segments(self, chunk: list[Recipient]) -> None:
        """Prepare the chunk's segments not prepared yet, reading their renders a few dozen per query."""
        missing = sorted({r.segment_key for r in chunk if r.subscriber_id is not None} - set(self.prepared.keys()))
        for start in range(0, len(missing), pacing.SEGMENTS_PER_QUERY):
            renders = SegmentRender.objects.filter(
                edition=self.edition, key__in=missing[start:start + pacing.SEGMENTS_PER_QUERY]
            ).only("key", "subject", "html", "text")
            for render in renders:
                self.prepared.put(render.key, PreparedSegment(self.edition, render))

    def deliver(self, row: Recipient, suppressed: set, limiter: pacing.RateLimiter,
                following: Recipient | None = None) -> bool:
        """Send one row; True when a message was attempted (what the rate limit counts), False when the
        row was skipped or another loop had claimed it. ``following``: the next row to send, claimed
        together with this one's commit.

        The slot is taken after the message is built and just before the claim, whose time is the
        row's ``sent_at``: a slot taken before a slow first build (the segment's MIME) was spent in
        the next second, which then saw one message over the limit."""
        if not row.may_receive(suppressed):
            if delivery_rows.skip(row.pk):
                self.result.skipped += 1
            return False
        message = self._prepared(row.segment_key).message(row.pk, row)
        limiter.wait()
        attempts = self.claims.claim(row, self.now)
        if attempts is None:
            status = Edition.objects.values_list("status", flat=True).get(pk=self.edition.pk)
            if status != Edition.Status.SENDING:
                self.result.stopped = status
                return False  # paused or cancelled: the claim refused it, the row stays pending
            if delivery_rows.skip_if_left(row.pk, self.now):
                self.result.skipped += 1
            return False
        hard_bounce = None
        failure = None
        try:
            if following is not None and self.claims.claims_in_one_statement:
                on_transmitted = partial(self.claims.commit_and_claim, following,
                                         self.claims.commit_and_claim_sql(following, self.now))
            else:
                on_transmitted = self.claims.commit
            transport.send_wire(self.backend, envelope_sender(row, self.edition), envelope_recipient(row.email),
                                message, on_transmitted)
            self.result.sent += 1
        except transport.MAIL_ERRORS as exc:
            # Either nothing was committed (error before the end of DATA) or the server refused the
            # message after it: in both cases the row is rewritten with the failure, then committed.
            failure = transport.sort_failure(exc)
            if self.claims.preclaimed is not None:  # refused after DATA: this row is committed, free the next
                self.claims.rollback()
            try:
                kind = delivery_rows.record_failure(self.edition, row.pk, failure, attempts, self.now)
                self.claims.commit()
            except BaseException:
                self.claims.rollback()
                raise
            setattr(self.result, kind, getattr(self.result, kind) + 1)
            self.result.errors.append(failure.text)
            log.warning("newsletter %s: delivery %s %s: %s", self.edition.number, row.pk, kind, failure.text)
            if failure.is_hard_bounce:
                hard_bounce = (row.email, failure.text)
        except BaseException:
            self.claims.rollback()
            raise
        else:
            if self.claims.preclaimed is None:  # else the open transaction is the next row's
                self.claims.commit()  # no-op when the hook committed at the end of DATA (always, over SMTP)
        if hard_bounce:  # after the row's commit: suppression has its own transaction
            subscriptions.record_bounce(hard_bounce[0], BounceRecord.Kind.HARD, hard_bounce[1], self.edition)
        if failure is not None and failure.connection_lost:
            transport.close_quietly(self.backend)
            self.backend.open()
        return True


def run_batch(edition_id: int, now: datetime.datetime | None = None, limit: int | None = None) -> BatchResult:
    """Send up to ``limit`` pending deliveries over one SMTP connection; stops on pause/cancel/threshold."""
    result = BatchResult()
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None or edition.status != Edition.Status.SENDING:  # deleted, or a stale task
        result.stopped = edition.status if edition else "missing"
        return result
    limit = limit or conf.batch_size()
    limiter = pacing.RateLimiter(conf.rate_per_second())
    # Without a rate limit the next row is claimed in the same round trip as this one's commit;
    # with one, each claim waits for its slot first.
    claim_next_with_commit = limiter.is_unlimited
    sender = _Sender(edition, now or timezone.now(), result)
    after_pk = 0
    checked_at = 0
    try:
        while result.handled < limit and not result.stopped:
            chunk = delivery_rows.recipients(edition, sender.now, after_pk, min(pacing.CHUNK_SIZE, limit - result.handled))
            if not chunk:
                break
            suppressed = delivery_rows.suppressed_among(chunk)
            sender.load_segments(chunk)
            for index, row in enumerate(chunk):
                if result.handled >= limit:
                    break
                if result.handled - checked_at >= pacing.CHECK_EVERY:
                    checked_at = result.handled
                    edition.refresh_from_db(fields=["status", "error_count"])
                    edition_state.stamp_progress(edition)
                if edition.status != Edition.Status.SENDING or result.stopped:
                    result.stopped = result.stopped or edition.status
                    break
                if pacing.over_error_threshold(edition.error_count):
                    result.stopped = "threshold"
                    break
                errors_before = len(result.errors)
                after_pk = row.pk
                following = chunk[index + 1] if claim_next_with_commit and index + 1 < len(chunk) else None
                if following is not None and (result.handled + 1 >= limit or not following.may_receive(suppressed)):
                    following = None
                if sender.deliver(row, suppressed, limiter, following):
                    limiter.spend()
                if len(result.errors) > errors_before:
                    edition.refresh_from_db(fields=["status", "error_count"])
    finally:
        sender.close()
    edition.refresh_from_db()
    if edition.status == Edition.Status.SENDING and pacing.over_error_threshold(edition.error_count):
        edition_state.pause_over_threshold(edition)
        log.error("newsletter %s paused: %s SMTP errors", edition.number, edition.error_count)
        result.stopped = "threshold"
    edition_state.stamp_progress(edition)
    edition_state.refresh_counters(edition)
    edition_state.finish_if_done(edition)
    return result


def send_proof(edition: Edition, addresses: list[str]) -> int:
    """A proof of the full edition to the given addresses, over one connection. Raises on SMTP errors."""
    prepared = PreparedSegment(edition, render_edition(edition), proof=True)
    backend = transport.open_connection()
    try:
        for address in addresses:
            transport.send_wire(backend, envelope_sender(None, edition), envelope_recipient(address),
                                prepared.proof_message(address))
    finally:
        transport.close_quietly(backend)
    return len(addresses)
