"""Sending through the real Celery worker, Redis and PostgreSQL: a crash mid-send loses and repeats no one.

The messages are counted once the restarted worker has finished its running tasks and exited
(warm shutdown): nothing can reach the SMTP sink after that, so a duplicate would be counted.
The session's worker is started again for the tests that follow.
"""
from __future__ import annotations

import datetime
import time
from collections import Counter

import pytest

from tests.newsletter import factories
from tests.newsletter.factories import aware
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBSCRIBERS = 2000


def test_worker_killed_mid_send_every_subscriber_gets_exactly_one_message(postgres_required, celery_worker, smtp):
    from newsletter import dispatch
    from newsletter.models import Delivery, Edition, Subscriber

    Subscriber.objects.bulk_create(
        [Subscriber(email=f"lettore{n:04d}@example.it", status="active") for n in range(SUBSCRIBERS)]
    )
    edition = factories.sendable_edition([factories.norm("DGR 544/2023", aware(datetime.date(2027, 1, 9)))])

    started = time.monotonic()
    dispatch.start_sending(edition)  # fan-out and batches run in the worker process
    wait_for(lambda: len(smtp.received) >= 1, 120, "the first message", interval=0.02)
    first = time.monotonic()
    wait_for(lambda: len(smtp.received) >= 300, 120, "the first 300 messages", interval=0.02)
    print(f"\nfirst message after {first - started:.1f}s, 300th after {time.monotonic() - first:.1f}s more")
    celery_worker.kill()
    assert celery_worker.process.poll() is not None, "the worker is dead"
    at_kill = len(smtp.received)
    pending_at_kill = Delivery.objects.filter(edition=edition, status="pending").count()
    print(f"\nworker killed after {at_kill} messages; {pending_at_kill} deliveries still pending")
    assert at_kill < SUBSCRIBERS and pending_at_kill > 0, "the kill must happen while sending is in progress"
    assert Edition.objects.get(pk=edition.pk).status == "sending"

    celery_worker.start()  # on start the worker resumes editions left in 'sending'
    restarted = time.monotonic()
    smtp.wait_for(SUBSCRIBERS, timeout=240)
    print(f"restart and remaining {SUBSCRIBERS - at_kill} messages in {time.monotonic() - restarted:.1f}s")
    wait_for(lambda: Edition.objects.get(pk=edition.pk).status == "sent", 60, "the edition to be marked sent", interval=0.2)
    celery_worker.stop()  # warm shutdown: its running tasks finish, then nothing more is sent
    assert celery_worker.process.poll() is not None
    received = list(smtp.received)
    celery_worker.start()  # for the tests that follow

    recipients = Counter(rcpt for rcpt, _message in received)
    print(f"SMTP sink received {len(received)} messages for {len(recipients)} recipients")
    assert len(received) == SUBSCRIBERS
    assert set(recipients) == set(Subscriber.objects.values_list("email", flat=True))
    assert set(recipients.values()) == {1}, [r for r, n in recipients.items() if n > 1]
    assert Delivery.objects.filter(edition=edition).count() == SUBSCRIBERS
    assert set(Delivery.objects.filter(edition=edition).values_list("status", flat=True)) == {"sent"}
    edition.refresh_from_db()
    assert (edition.sent_count, edition.failed_count, edition.recipients_count) == (SUBSCRIBERS, 0, SUBSCRIBERS)
    assert len({m["Message-ID"] for _r, m in received}) == SUBSCRIBERS
