"""Pause and resume against the real Celery worker and the SMTP sink (issue 16, item 1).

The defect: paused after 4 of 17 mails, all 17 went out, and the edition then sat "in pausa"
with nothing left. The loop looked at the edition's status only every 100 messages.
"""
from __future__ import annotations

import datetime
from collections import Counter

import pytest

from tests.newsletter import factories
from tests.newsletter.factories import aware
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBSCRIBERS = 17
PAUSE_AFTER = 4
SLOW_RELAY_SECONDS = 0.15  # each "250" after DATA comes late, so the send is still running when we pause


def _newsletter_tasks_running() -> bool:
    """Whether the worker runs or holds any newsletter task (asked through Celery's control channel)."""
    from portal.celery import app

    inspect = app.control.inspect(timeout=1.0)
    for answer in (inspect.active(), inspect.reserved(), inspect.scheduled()):
        for tasks in (answer or {}).values():
            for task in tasks:
                name = task.get("name") or task.get("request", {}).get("name", "")
                if name.startswith("newsletter."):
                    return True
    return False


def test_pause_mid_send_stops_claiming_and_resume_sends_exactly_the_rest(celery_worker, smtp, postgres_required):
    from newsletter import conf, dispatch
    from newsletter.models import Delivery, Edition, Subscriber

    emails = {f"pausa{n:02d}@example.it" for n in range(SUBSCRIBERS)}
    Subscriber.objects.bulk_create([Subscriber(email=e, status="active") for e in sorted(emails)])
    edition = factories.sendable_edition([factories.norm("DGR 917/2021", aware(datetime.date(2027, 1, 20)))])
    smtp.slow_down(SLOW_RELAY_SECONDS)

    dispatch.start_sending(edition)
    wait_for(lambda: len(smtp.received) >= PAUSE_AFTER, 60, f"{PAUSE_AFTER} messages at the sink")
    dispatch.pause(Edition.objects.get(pk=edition.pk))
    at_pause = len(smtp.received)

    # the worker's loop ends: no newsletter task left, and its counters are written
    wait_for(lambda: not _newsletter_tasks_running(), 60, "the worker's sending task to end")
    edition.refresh_from_db()
    after_pause = len(smtp.received)
    pending = Delivery.objects.filter(edition=edition, status="pending").count()
    in_flight = 2 * conf.parallel_senders()  # per loop: the message on the wire and the row claimed with its commit
    print(f"\npaused at {at_pause} messages at the sink; {after_pause - at_pause} in flight arrived after; "
          f"{pending} left pending")
    assert edition.status == "paused"
    assert after_pause - at_pause <= in_flight
    assert after_pause < SUBSCRIBERS
    assert edition.sent_count == after_pause
    assert pending == SUBSCRIBERS - after_pause

    smtp.slow_down(0)
    dispatch.resume(edition)
    wait_for(lambda: Edition.objects.get(pk=edition.pk).status == "sent", 60, "the edition to be marked sent")
    wait_for(lambda: not _newsletter_tasks_running(), 60, "the worker to be idle")
    recipients = Counter(rcpt for rcpt, _m in smtp.received)
    message_ids = Counter(m["Message-ID"] for _r, m in smtp.received)
    print(f"after resume: {len(smtp.received) - after_pause} more, {len(smtp.received)} in all "
          f"for {len(recipients)} recipients")
    assert len(smtp.received) == SUBSCRIBERS
    assert set(recipients) == emails and set(recipients.values()) == {1}
    assert len(message_ids) == SUBSCRIBERS and set(message_ids.values()) == {1}
    edition.refresh_from_db()
    assert (edition.sent_count, edition.recipients_count) == (SUBSCRIBERS, SUBSCRIBERS)


def test_paused_edition_with_nothing_left_is_marked_sent(postgres_required):
    """Paused after the last claim: nothing is pending, so the edition is sent, not stuck "in pausa"."""
    from newsletter import delivery_rows, dispatch, edition_state
    from newsletter.models import Delivery, Edition

    factories.subscriber("ultima@example.it")
    edition = factories.sendable_edition([factories.norm("DGR 544/2023", aware(datetime.date(2027, 1, 9)))])
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENDING)
    delivery_rows.fan_out(edition)
    Delivery.objects.filter(edition=edition).update(status=Delivery.Status.SENT)
    dispatch.pause(edition)

    edition_state.finish_if_done(edition)

    edition.refresh_from_db()
    assert edition.status == "sent" and edition.sent_count == 1
