"""The claim of one delivery row, on whichever database the tier runs (fast tier: both).

``_RowClaims.claim`` is what keeps a crash or a second worker from sending a message twice:
it marks the row sent in its own transaction *only if* the row is still pending, due and
its subscriber still active. It has two branches: one SQL statement on PostgreSQL (``raw``)
and an ORM update elsewhere (SQLite, what ``make run`` serves). CI runs the fast tier on
both databases, so each test here checks the branch of the database it runs on; the
sending tests only ever claim rows that are pending, so a claim that forgot the condition
would pass them.
"""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests.newsletter import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def rows():
    """Four pending rows of an edition being sent, and their candidates as the sending loop reads them."""
    from newsletter import delivery_rows
    from newsletter.models import Delivery, Edition

    edition = factories.sendable_edition()
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENDING)  # as the send sets it
    subscribers = [factories.subscriber(f"claim{n}@example.it") for n in range(4)]
    Delivery.objects.bulk_create([Delivery(edition=edition, subscriber=s, segment_key="k") for s in subscribers])
    candidates = delivery_rows.recipients(edition, timezone.now(), 0, 10)
    assert len(candidates) == 4
    return edition, candidates


def _claims():
    from newsletter import delivery_rows

    claims = delivery_rows.RowClaims()
    assert claims.claims_in_one_statement == (connection.vendor == "postgresql"), "the branch of this database"
    return claims


def _row(candidate):
    from newsletter.models import Delivery

    return Delivery.objects.values("status", "attempts", "sent_at").get(pk=candidate.pk)


def test_a_pending_due_row_is_claimed_and_marked_sent(rows):
    _edition, candidates = rows
    claims = _claims()
    try:
        assert claims.claim(candidates[0], timezone.now()) == 1
        claims.commit()
    finally:
        claims.close()
    row = _row(candidates[0])
    assert (row["status"], row["attempts"]) == ("sent", 1) and row["sent_at"] is not None
    assert [_row(c)["status"] for c in candidates[1:]] == ["pending"] * 3


def test_a_row_no_longer_pending_is_not_claimed(rows):
    """Another worker sent it (or it failed, or was skipped) after the loop read its candidates."""
    from newsletter.models import Delivery

    _edition, candidates = rows
    for candidate, status in zip(candidates, ("sent", "failed", "bounced", "skipped")):
        Delivery.objects.filter(pk=candidate.pk).update(status=status, attempts=3)
    claims = _claims()
    try:
        assert [claims.claim(c, timezone.now()) for c in candidates] == [None] * 4
    finally:
        claims.close()
    assert [(_row(c)["status"], _row(c)["attempts"]) for c in candidates] == [
        ("sent", 3), ("failed", 3), ("bounced", 3), ("skipped", 3)
    ], "the rows are left as they were"


def test_a_row_not_yet_due_or_of_a_subscriber_who_left_is_not_claimed(rows):
    from newsletter.models import Delivery, Subscriber

    _edition, candidates = rows
    now = timezone.now()
    Delivery.objects.filter(pk=candidates[0].pk).update(next_attempt_at=now + datetime.timedelta(minutes=5))
    Subscriber.objects.filter(pk=candidates[1].subscriber_id).update(status="unsubscribed")
    claims = _claims()
    try:
        assert claims.claim(candidates[0], now) is None, "retry not due yet"
        assert claims.claim(candidates[1], now) is None, "unsubscribed after the loop read it"
        assert claims.claim(candidates[2], now) == 1
        claims.rollback()
    finally:
        claims.close()
    assert [_row(c)["status"] for c in candidates] == ["pending"] * 4, "a rolled-back claim gives the row back"


def test_a_row_of_a_paused_edition_is_not_claimed(rows):
    """Pause stops claiming at once: the claim itself requires the edition to be sending."""
    from newsletter.models import Edition

    edition, candidates = rows
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.PAUSED)
    claims = _claims()
    try:
        assert claims.claim(candidates[0], timezone.now()) is None
        claims.commit()
    finally:
        claims.close()
    assert _row(candidates[0])["status"] == "pending"
