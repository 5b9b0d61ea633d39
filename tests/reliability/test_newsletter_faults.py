"""Newsletter sending through faults the newsletter's own crash test does not play out.

``tests/newsletter/test_worker_sending.py`` kills the worker mid-send on a fast relay.
Here, with a worker of our own on a Redis of our own (so no other worker takes the
tasks) and the real SMTP sink:

1. a slow relay (each "250" after DATA comes late: the worker spends its time waiting
   for the answer, the widest crash window) and the worker SIGKILLed mid-send;
2. a relay answering "451 try later" to everyone: the edition retries, reaches the
   error threshold and pauses itself; the relay recovers, an editor resumes, the worker
   is SIGKILLed again mid-send and restarted.

Each kill is asserted to fall mid-send (messages already received, deliveries still
pending). Every subscriber gets exactly one message (counted at the SMTP server) among all
the worker sent: the count is taken once the worker has finished its running tasks and
exited (warm shutdown), so no message can still be on its way.
"""
from __future__ import annotations

import datetime
from collections import Counter

import pytest

from tests.newsletter import factories
from tests.newsletter.factories import aware
from tests.reliability.conftest import report
from tests.support.app_server import ROOT
from tests.support.broker import celery_broker
from tests.support.worker import CeleryWorker
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def newsletter_worker(own_redis, smtp, postgres_required):
    """A real worker on the test database, our own Redis and the SMTP sink; tasks of this test go to it."""
    from django.db import connection

    worker = CeleryWorker(ROOT, connection.settings_dict, own_redis.url, smtp_port=smtp.port)
    worker.env["DJANGO_SETTINGS_MODULE"] = "tests.reliability.worker_settings"
    with celery_broker(own_redis.url):
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()


def _subscribers(prefix: str, count: int) -> set[str]:
    from newsletter.models import Subscriber

    emails = [f"{prefix}{n:04d}@example.it" for n in range(count)]
    Subscriber.objects.bulk_create([Subscriber(email=e, status="active") for e in emails])
    return set(emails)


def _edition():
    return factories.sendable_edition([factories.norm("DGR 1627/2024", aware(datetime.date(2027, 1, 12)))])


def _kill_mid_send(worker, smtp, edition, expected: set[str]) -> tuple[int, int]:
    """SIGKILL the worker and check it fell mid-send: (messages received, deliveries pending) at the kill."""
    from newsletter.models import Delivery

    worker.kill()
    assert worker.process.poll() is not None, "the worker is dead"
    at_kill = len(smtp.received)
    pending = Delivery.objects.filter(edition=edition, status="pending").count()
    assert 0 < at_kill < len(expected) and pending > 0, f"not mid-send: {at_kill} received, {pending} pending"
    return at_kill, pending


def _finish_and_stop(worker, edition) -> None:
    """Wait for the edition to be sent, then stop the worker once its running tasks are done:
    after that nothing can reach the SMTP sink, so a duplicate would already be there."""
    from newsletter.models import Edition

    wait_for(lambda: Edition.objects.get(pk=edition.pk).status == "sent", 60, "the edition to be marked sent", 0.2)
    worker.stop()
    assert worker.process.poll() is not None, "the worker has exited"


def _exactly_once(smtp, expected: set[str]) -> tuple[Counter, set[str], dict[str, int]]:
    recipients = Counter(rcpt for rcpt, _message in smtp.received)
    missing = expected - set(recipients)
    repeated = {r: n for r, n in recipients.items() if n > 1}
    return recipients, missing, repeated


def test_slow_relay_and_worker_killed_mid_send_every_subscriber_exactly_once(newsletter_worker, smtp):
    from newsletter import dispatch
    from newsletter.models import Delivery

    expected = _subscribers("lenta", 400)
    edition = _edition()
    smtp.slow_down(0.02)
    dispatch.start_sending(edition)
    wait_for(lambda: len(smtp.received) >= 100, 120, "the first 100 messages")
    at_kill, pending_at_kill = _kill_mid_send(newsletter_worker, smtp, edition, expected)
    faults = ["worker SIGKILLed mid-send"]
    newsletter_worker.start()
    smtp.wait_for(len(expected), timeout=240)
    _finish_and_stop(newsletter_worker, edition)

    recipients, missing, repeated = _exactly_once(smtp, expected)
    report(
        "Newsletter: slow relay (20 ms per 250) and worker SIGKILLed mid-send",
        faults_injected=len(faults),
        faults=faults,
        subscribers=len(expected),
        received_at_kill=at_kill,
        pending_at_kill=pending_at_kill,
        messages_received=len(smtp.received),
        sent_twice=len(repeated),
        items_lost=len(missing),
    )
    assert not missing and not repeated, (sorted(missing)[:5], repeated)
    assert set(Delivery.objects.filter(edition=edition).values_list("status", flat=True)) == {"sent"}


def test_relay_refusing_then_worker_killed_after_resume_every_subscriber_exactly_once(newsletter_worker, smtp):
    from newsletter import conf, dispatch
    from newsletter.models import Delivery, Edition

    expected = _subscribers("rinvio", 300)
    edition = _edition()
    smtp.fail_with("451 4.3.0 Servizio temporaneamente non disponibile")
    dispatch.start_sending(edition)
    wait_for(lambda: Edition.objects.get(pk=edition.pk).status == "paused", 120, "the edition to pause at the error threshold")
    deferred = Delivery.objects.filter(edition=edition, status="pending", attempts__gt=0).count()
    refused_before_pause = Edition.objects.get(pk=edition.pk).error_count
    assert len(smtp.received) == 0
    assert refused_before_pause >= conf.error_threshold() and deferred > 0
    assert not Delivery.objects.filter(edition=edition, status__in=("failed", "bounced")).exists(), "4xx is never final here"
    faults = [f"relay answered 451 ({refused_before_pause} refusals until the pause)"]

    smtp.fail_with(None)  # the relay is back
    dispatch.resume(Edition.objects.get(pk=edition.pk))  # what the editor's "Riprendi" does
    wait_for(lambda: len(smtp.received) >= 80, 120, "the first messages after resuming")
    at_kill, pending_at_kill = _kill_mid_send(newsletter_worker, smtp, edition, expected)
    faults.append("worker SIGKILLed mid-send after the resume")
    newsletter_worker.start()
    smtp.wait_for(len(expected), timeout=240)
    _finish_and_stop(newsletter_worker, edition)

    recipients, missing, repeated = _exactly_once(smtp, expected)
    retried = Delivery.objects.filter(edition=edition, attempts__gt=1).count()
    report(
        "Newsletter: relay answering 451, pause at threshold, resume, worker SIGKILLed",
        faults_injected=len(faults),
        faults=faults,
        subscribers=len(expected),
        refused_before_pause=refused_before_pause,
        deliveries_retried=retried,
        received_at_kill=at_kill,
        pending_at_kill=pending_at_kill,
        messages_received=len(smtp.received),
        sent_twice=len(repeated),
        items_lost=len(missing),
    )
    assert not missing and not repeated, (sorted(missing)[:5], repeated)
    assert retried >= deferred, "the refused deliveries were retried, not dropped"
    assert set(Delivery.objects.filter(edition=edition).values_list("status", flat=True)) == {"sent"}
