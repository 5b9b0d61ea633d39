"""Scheduled publishing: beat's every-minute task publishes a page when its time comes, and search finds it.

Wagtail keeps "go live at" in the revision and acts only when ``publish_scheduled`` runs;
the cms migration gives beat a periodic task for it. Here the task is sent by the name
that periodic task holds, as beat sends it, and runs in the real Celery worker on the
test database; the publish it makes goes through the outbox to the real Elasticsearch.
"""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import builders

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_beat_task_publishes_a_scheduled_page_that_search_then_finds(es, celery_worker):
    from django_celery_beat.models import PeriodicTask
    from wagtail.models import Page

    from portal.celery import app

    beat_entry = PeriodicTask.objects.get(name="cms: publish scheduled pages")
    assert beat_entry.enabled and (beat_entry.interval.every, beat_entry.interval.period) == (1, "minutes")

    es.create()
    page = builders.practice("Sportello mobile per le aree interne", "Un furgone attrezzato.", publish=False)
    go_live = timezone.now() + timedelta(seconds=3)
    page.go_live_at = go_live
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live and page.get_latest_revision().approved_go_live_at is not None, "scheduled, not live yet"
    assert es.ids("sportello") == []

    while timezone.now() < go_live:  # the time comes (a wall-clock event: nothing to wait on but the clock)
        time.sleep(0.2)
    began = time.monotonic()
    app.send_task(beat_entry.task)
    assert es.wait_for(lambda: es.ids("sportello") == [page.pk], timeout=60)
    searchable_after = time.monotonic() - began
    assert Page.objects.get(pk=page.pk).live
    print(f"scheduled page live and searchable {searchable_after:.2f}s after the beat task was sent")
