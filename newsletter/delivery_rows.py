"""The delivery rows of an edition: creating them (fan-out), reading them, claiming them one by one.

Listmonk's "pipe": each (edition, subscriber) has one Delivery row (unique constraint). A row
is claimed with SELECT ... FOR UPDATE SKIP LOCKED inside its own transaction, which is
committed as "sent" the moment the SMTP server has the whole message (see
``newsletter.transport``). A worker that dies leaves its claimed row uncommitted, so
PostgreSQL releases it as still pending: a restart neither skips nor repeats. The edition's
status is part of every claim, so a pause or cancel stops the very next claim.

The fan-out also renders each segment once and stores the render (``SegmentRender``), which
is the copy kept as sent.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from newsletter import pacing, reporting, sent_copies
from newsletter.edition_state import refresh_counters
from newsletter.editions import Preferences, edition_items
from newsletter.models import Delivery, Edition, SegmentRender, Subscriber, SuppressedAddress
from newsletter.models.subscribers import email_hash
from newsletter.rendering import render_edition

log = logging.getLogger(__name__)
FAN_OUT_CHUNK = 1000


# --- segments and their renders ----------------------------------------------------------------


def segment_render(edition: Edition, key: str, preferences: Preferences | None = None, items=None) -> SegmentRender:
    """The stored render of a segment, rendering it the first time (concurrent callers get the same row)."""
    existing = SegmentRender.objects.filter(edition=edition, key=key).first()
    if existing:
        return existing
    if preferences is None:
        preferences = _preferences_for_key(edition, key)
    items = edition_items(edition) if items is None else items
    link_urls = reporting.tracked_urls(edition, [i.url for i in items]) if edition.counts_clicks else None
    rendered = render_edition(edition, preferences, items=items, link_urls=link_urls)
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


def _active_subscribers():
    return Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).prefetch_related("zones", "topics").order_by("pk")


def fan_out(edition: Edition) -> int:
    """Create the missing delivery rows for active subscribers and render each segment once.

    Idempotent: rows that exist are kept as they are (bulk_create ignores conflicts).
    Returns the number of delivery rows of the edition.
    """
    items = edition_items(edition)
    # The general segment is the public archive's copy: rendered even if no subscriber gets it.
    segments: dict[str, Preferences] = {sent_copies.GENERAL_KEY: Preferences()}
    chunk: list[Delivery] = []
    for subscriber in _active_subscribers().iterator(chunk_size=FAN_OUT_CHUNK):
        preferences = Preferences.of(subscriber)
        segments.setdefault(preferences.key, preferences)
        chunk.append(Delivery(edition=edition, subscriber=subscriber, segment_key=preferences.key))
        if len(chunk) >= FAN_OUT_CHUNK:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
    for key, preferences in segments.items():
        segment_render(edition, key, preferences, items=items)
    return refresh_counters(edition).recipients_count


def audience() -> list[tuple[Preferences, int]]:
    """How many subscribers each segment would have if the edition were sent now (largest first).

    The same subscribers as the fan-out, minus suppressed addresses (the loop would skip them).
    """
    suppressed = set(SuppressedAddress.objects.values_list("email_hash", flat=True))
    counts: dict[str, list] = {}
    for subscriber in _active_subscribers().iterator(chunk_size=FAN_OUT_CHUNK):
        if suppressed and email_hash(subscriber.email) in suppressed:
            continue
        preferences = Preferences.of(subscriber)
        counts.setdefault(preferences.key, [preferences, 0])[1] += 1
    return sorted(((p, n) for p, n in counts.values()), key=lambda pair: (not pair[0].is_everything, -pair[1]))


# --- candidates ---------------------------------------------------------------------------------


def claimable(edition, now):
    """Rows a loop may send now, oldest first."""
    return Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING).filter(pacing.due(now)).order_by("pk")


_RECIPIENT_FIELDS = (
    "pk", "segment_key", "attempts", "subscriber_id", "subscriber__email", "subscriber__name", "subscriber__key",
    "subscriber__status",
)


@dataclass
class Recipient:
    """A pending row as the sending loop reads it: the row and what the message needs of its subscriber."""

    pk: int  # the delivery row
    segment_key: str
    attempts: int
    subscriber_id: int | None
    email: str | None
    name: str | None
    key: object  # the subscriber's key: what personal links sign
    subscriber_status: str | None

    def may_receive(self, suppressed: set) -> bool:
        """Still subscribed, still an address, not suppressed."""
        return (self.subscriber_id is not None and self.subscriber_status == Subscriber.Status.ACTIVE
                and email_hash(self.email) not in suppressed)


def recipients(edition, now, after_pk: int, count: int) -> list[Recipient]:
    rows = claimable(edition, now).filter(pk__gt=after_pk).values_list(*_RECIPIENT_FIELDS)[:count]
    return [Recipient(*row) for row in rows]


def suppressed_among(chunk: list[Recipient]) -> set:
    """The hashes of the chunk's addresses that must not be mailed."""
    hashes = {email_hash(r.email) for r in chunk if r.email}
    if not hashes:
        return set()
    return set(SuppressedAddress.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True))


def skip(row_pk: int) -> bool:
    """A pending row that will not be sent (subscriber left, address suppressed)."""
    return bool(Delivery.objects.filter(pk=row_pk, status=Delivery.Status.PENDING).update(status=Delivery.Status.SKIPPED))


def skip_if_left(row_pk: int, now) -> bool:
    """A row the claim did not take: skip it if its subscriber left meanwhile (else another loop has it)."""
    left = Q(subscriber__isnull=True) | ~Q(subscriber__status=Subscriber.Status.ACTIVE)
    pending = Delivery.objects.filter(pk=row_pk, status=Delivery.Status.PENDING).filter(pacing.due(now))
    return pending.filter(left).exists() and skip(row_pk)


def record_failure(edition, row_pk: int, failure, attempts: int, now) -> str:
    """Write the outcome of a failed attempt on the row (inside the row's transaction when it is open).

    ``failure`` is ``transport.Failure``. Returns "deferred" (retried later) or "failed".
    """
    if failure.is_hard_bounce:
        status = Delivery.Status.BOUNCED
    elif failure.is_permanent or pacing.gives_up(attempts):
        status = Delivery.Status.FAILED
    else:
        status = Delivery.Status.PENDING
    retry = status == Delivery.Status.PENDING
    Delivery.objects.filter(pk=row_pk).update(
        status=status, attempts=attempts, last_error=failure.text, sent_at=None,
        next_attempt_at=now + pacing.retry_delay(attempts) if retry else None,
    )
    Edition.objects.filter(pk=edition.pk).update(error_count=F("error_count") + 1)
    return "deferred" if retry else "failed"


# --- claims -------------------------------------------------------------------------------------


class RowClaims:
    """One short transaction per row on Django's connection: claim, then commit (or roll back)."""

    def __init__(self):
        self.db = transaction.get_connection()
        if self.db.in_atomic_block:
            raise RuntimeError("the sending loop manages its own transactions: do not call it inside atomic()")
        self.open = False
        self.preclaimed: tuple[int, int] | None = None  # (row, attempts) claimed with the previous commit
        self.db.ensure_connection()
        # PostgreSQL: a claim is one round trip ("BEGIN; UPDATE ... RETURNING"), and a commit can
        # carry the next row's claim; elsewhere (SQLite) an ORM update in a transaction.
        self.claims_in_one_statement = self.db.vendor == "postgresql"
        if self.claims_in_one_statement:
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

    def claim(self, row: Recipient, now) -> int | None:
        """Mark the row sent inside a new transaction; its attempts after this one, or None if not claimable."""
        if self.preclaimed is not None:
            if self.preclaimed[0] == row.pk:
                attempts, self.preclaimed = self.preclaimed[1], None
                return attempts
            self.rollback()
        if self.claims_in_one_statement:
            return self._execute_claim(self.claim_sql, self._params(row, now))
        self.db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        self.open = True
        try:
            claimed = (
                Delivery.objects.filter(pk=row.pk, status=Delivery.Status.PENDING,
                                        subscriber__status=Subscriber.Status.ACTIVE,
                                        edition__status=Edition.Status.SENDING)
                .filter(pacing.due(now))
                .update(status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1,
                        last_error="", next_attempt_at=None)
            )
        except BaseException:
            self.rollback()
            raise
        if not claimed:
            self.rollback()
            return None
        return row.attempts + 1

    def _params(self, row: Recipient, now) -> list:
        return [Delivery.Status.SENT, row.pk, Delivery.Status.PENDING, now, Subscriber.Status.ACTIVE,
                Edition.Status.SENDING]

    def _execute_claim(self, sql: str, params: list | None) -> int | None:
        self.open = True
        try:
            cursor = self.cursor
            cursor.execute(sql, params)
            while cursor.description is None and cursor.nextset():
                pass
            found = cursor.fetchone() if cursor.description is not None else None
        except BaseException:
            self.rollback()
            raise
        if found is None:
            self.rollback()
            return None
        return found[0]

    def commit_and_claim_sql(self, row: Recipient, now) -> str:
        """The statements for ``commit_and_claim``, built beforehand: the hook then only writes them out."""
        return "COMMIT; " + self.cursor.mogrify(self.claim_sql, self._params(row, now))

    def commit_and_claim(self, row: Recipient, sql: str) -> None:
        """Commit the open row and claim the next one in the same round trip (PostgreSQL only).

        Runs at the end of DATA, where every microsecond before the COMMIT reaches the server is
        a window for a crash to send twice: ``sql`` comes ready from ``commit_and_claim_sql``.
        The claim is kept for ``claim(row)``; ``rollback`` gives it back.
        """
        attempts = self._execute_claim(sql, None)
        self.preclaimed = (row.pk, attempts) if attempts is not None else None

    def commit(self) -> None:
        if not self.open:
            return
        self.open = False
        if self.claims_in_one_statement:
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
        if self.claims_in_one_statement:
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
        if self.claims_in_one_statement:
            self.cursor.close()
