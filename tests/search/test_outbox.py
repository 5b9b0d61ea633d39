"""The outbox itself (no Elasticsearch needed): rows written with the change, in its transaction."""
from __future__ import annotations

import pytest
from django.db import transaction
from wagtail.models import PageViewRestriction

from search.engine import client as search_client
from search.indexing.enqueue import enqueue
from search.indexing.outbox import apply_pending, purge_processed
from search.models import OutboxEntry
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings, dead_elasticsearch_url):
    """Elasticsearch configured but unreachable: rows are written and stay pending."""
    settings.ELASTICSEARCH_URLS = [dead_elasticsearch_url]
    search_client.reset()


def pending_pages() -> set[int]:
    return set(OutboxEntry.objects.filter(processed_at__isnull=True).values_list("page_id", flat=True))


def test_without_elasticsearch_no_rows_are_written():
    builders.practice("Pratica senza indice", "testo")
    assert not OutboxEntry.objects.exists()


def test_rows_are_written_in_the_transaction_of_the_change(configured):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            builders.practice("Pratica annullata", "testo")
            assert OutboxEntry.objects.exists()
            raise RuntimeError("rollback")
    assert not OutboxEntry.objects.exists()  # the page and its rows went together

    page = builders.practice("Pratica confermata", "testo")
    assert page.pk in pending_pages()


def test_draft_saves_write_nothing_publish_writes(configured):
    page = builders.practice("Pratica", "testo", publish=False)
    OutboxEntry.objects.all().delete()
    draft = page.get_latest_revision_as_object()
    draft.title = "Pratica modificata"
    draft.save_revision()
    assert not OutboxEntry.objects.exists()
    draft.save_revision().publish()
    assert pending_pages() == {page.pk}


def test_privacy_change_on_a_section_enqueues_every_page_below(configured):
    pages = [builders.practice(f"Pratica {n}", "testo") for n in range(3)]
    OutboxEntry.objects.all().delete()
    builders.restrict(pages[0].get_parent(), PageViewRestriction.LOGIN)
    assert pending_pages() == {p.pk for p in pages}


def test_failed_application_keeps_rows_pending_with_attempts(configured):
    page = builders.news("Notizia", "testo")
    report = apply_pending()
    assert report.unavailable and report.applied == 0
    rows = OutboxEntry.objects.filter(page_id=page.pk)
    assert rows.exists() and all(r.processed_at is None and r.attempts == 1 and r.last_error for r in rows)
    assert purge_processed() == 0  # pending rows are never purged
    assert pending_pages() == {page.pk}


def test_one_apply_task_per_transaction(configured, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            for n in range(3):
                builders.news(f"Notizia {n}", "testo")
    assert len([c for c in callbacks if getattr(c, "__name__", "") == "_send_apply"]) == 1


def test_enqueue_is_the_public_entry_point(configured):
    page = builders.news("Notizia", "testo")
    OutboxEntry.objects.all().delete()
    assert enqueue(page, reason="newsletter") == 1
    row = OutboxEntry.objects.get()
    assert (row.page_id, row.reason, row.action) == (page.pk, "newsletter", "upsert")


def test_periodic_drain_is_scheduled_every_minute():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("search.migrations.0002_periodic_tasks")
    migration.create_tasks(apps, None)  # idempotent: also what the migration did
    migration.create_tasks(apps, None)
    task = PeriodicTask.objects.get(task="search.drain_outbox")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")
    assert PeriodicTask.objects.filter(task="search.drain_outbox").count() == 1


def test_drain_task_is_a_no_op_without_elasticsearch():
    from search.tasks import drain_outbox

    assert drain_outbox.delay().get() == {}
