"""Redis broker stopped: publishing still succeeds, the work waits in the search outbox, nothing is lost.

A Redis of the test's own is the broker of a real Celery worker and a real celery beat
(django-celery-beat's database scheduler, the production one) on the test database.
Two faults:

1. Redis stopped while editors publish: every publish succeeds (the after-commit task
   cannot be queued, the outbox row stays), and once Redis is back beat's periodic
   drain reaches the worker, which applies everything.
2. Redis killed with tasks still queued in it (worker stopped, so nothing consumed
   them; Redis keeps them only in memory): the queued tasks are gone with it, but the
   outbox rows are not, and the drain applies them after the restart.

The worker (the prefork pool of deploy/systemd/cdp-worker.service) is never restarted for fault 1:
it reconnects to the broker by itself.
Elasticsearch is the shared one of the harness (an index prefix of this test).
"""
from __future__ import annotations

import time

import pytest

from tests.reliability.conftest import is_down, not_written_once, report
from tests import builders
from tests.support.app_server import ROOT
from tests.support.beat import CeleryBeat
from tests.support.broker import celery_broker
from tests.support.worker import CeleryWorker
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DURING_OUTAGE = 8
QUEUED_WHEN_KILLED = 5


def _drain_every_two_seconds():
    """The beat entry of the search app (created by its migration), at a test-friendly pace."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    schedule, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="search: drain outbox", defaults={"task": "search.drain_outbox", "interval": schedule, "enabled": True},
    )


def _versions(index, page_ids) -> dict[int, int | None]:
    from elasticsearch import NotFoundError

    if not index.read_indices():
        return {pk: None for pk in page_ids}
    index.client.indices.refresh(index=index.read_alias)
    found = {}
    for pk in page_ids:
        try:
            found[pk] = index.client.get(index=index.read_alias, id=str(pk))["_version"]
        except NotFoundError:
            found[pk] = None
    return found


def _wait_for_drain(pending, worker, beat, what: str) -> None:
    """Until the outbox is empty; on a timeout, what the worker and beat logged says which of them stalled."""
    try:
        wait_for(lambda: not pending.exists(), 180, what, interval=0.25)
    except AssertionError as exc:
        left = list(pending.values_list("page_id", "attempts", "last_error"))
        raise AssertionError(
            f"{exc}\noutbox rows left (page, attempts, last error): {left}"
            f"\n--- worker log ---\n{worker.log_tail(80)}\n--- beat log ---\n{beat.log_tail(40)}"
        ) from None


def test_broker_outage_loses_no_indexing_work(own_redis, shared_elasticsearch, postgres_required):
    from django.db import connection

    from search.models import OutboxEntry

    index = shared_elasticsearch
    pending = OutboxEntry.objects.filter(processed_at__isnull=True)
    # the production pool: the claim is that the deployed worker finds its broker again by itself
    worker = CeleryWorker(ROOT, connection.settings_dict, own_redis.url, pool="prefork")
    beat = CeleryBeat(ROOT, connection.settings_dict, own_redis.url)
    figures = {}
    faults: list[str] = []  # each fault once it is observed (Redis refusing connections)
    with celery_broker(own_redis.url):
        worker.start()
        try:
            # Broker up: the after-commit task reaches the worker.
            first = builders.news("Notizia con il broker acceso", "Prima del guasto.")
            wait_for(lambda: _versions(index, [first.pk])[first.pk], 60, "the first page in the index", interval=0.25)
            worker_pid = worker.process.pid

            # Fault 1: Redis stopped while editors publish.
            own_redis.halt()
            assert is_down(own_redis), "Redis stopped"
            faults.append("Redis stopped (SIGTERM) while editors publish")
            durations, during = [], []
            for n in range(DURING_OUTAGE):
                began = time.monotonic()
                page = builders.news(f"Notizia pubblicata senza broker {n}", "Durante il guasto.")
                durations.append(time.monotonic() - began)
                assert page.live
                during.append(page.pk)
            from django.test import Client

            readyz_down = Client().get("/readyz").json()
            waiting = set(pending.values_list("page_id", flat=True))
            assert set(during) <= waiting, "the work waits in the outbox"
            assert not any(_versions(index, during).values()), "nothing reached the index without the broker"

            _drain_every_two_seconds()
            beat.start()
            own_redis.start()
            _wait_for_drain(pending, worker, beat, "the periodic drain to apply the outbox")
            versions_1 = _versions(index, during)
            readyz_up = Client().get("/readyz").json()
            worker_survived = worker.process.poll() is None and worker.process.pid == worker_pid
            figures.update(
                publishes_during_outage=len(during),
                slowest_publish_seconds=round(max(durations), 2),
                fault_1_found=f"{sum(1 for v in versions_1.values() if v)}/{len(during)}",
                worker_restarted_for_fault_1="no" if worker_survived else "yes",
                readyz_broker=f"{readyz_down['checks']['broker']} during, {readyz_up['checks']['broker']} after",
            )

            # Fault 2: tasks queued in Redis (no worker consuming), then Redis killed.
            beat.stop()
            worker.stop()
            queued = [builders.news(f"Notizia in coda nel broker {n}", "Task in coda.").pk for n in range(QUEUED_WHEN_KILLED)]
            import redis

            queue_length = redis.Redis.from_url(own_redis.url).llen("celery")
            own_redis.kill()
            assert is_down(own_redis), "Redis killed"
            faults.append("Redis killed (SIGKILL) with tasks queued")
            own_redis.start()
            queue_after_crash = redis.Redis.from_url(own_redis.url).llen("celery")
            worker.start()
            beat.start()
            _wait_for_drain(pending, worker, beat, "the periodic drain after the crash")
            versions_2 = _versions(index, queued)
        finally:
            beat.stop()
            worker.stop()

    all_pages = [first.pk, *during, *queued]
    versions = _versions(index, all_pages)
    lost = [pk for pk, v in versions.items() if not v]
    twice = not_written_once(index, [*during, *queued])  # one write per page, carrying all its rows
    report(
        "Redis broker stopped and crashed (real worker and beat)",
        faults_injected=len(faults),
        faults=faults,
        **figures,
        tasks_queued_when_killed=queue_length,
        tasks_left_after_crash=queue_after_crash,
        fault_2_found=f"{sum(1 for v in versions_2.values() if v)}/{len(queued)}",
        outbox_pending_at_end=pending.count(),
        indexed_twice=len(twice),
        items_lost=len(lost),
    )
    assert len(faults) == 2, faults
    assert worker_survived, "the worker reconnected to the broker by itself"
    assert readyz_down["status"] == "ok" and readyz_down["checks"]["broker"] == "down", readyz_down
    assert readyz_up["checks"]["broker"] == "ok", readyz_up
    assert max(durations) < 15, "publishing does not hang on a dead broker"
    assert queue_length >= 1 and queue_after_crash == 0, "the crash really lost the queued tasks"
    assert not lost, f"pages missing from the index: {lost}"
    assert not twice, f"outage pages written more than once: {twice}"
