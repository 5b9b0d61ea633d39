"""Celery tasks of the search app (names are stable: the beat schedule refers to them)."""
from __future__ import annotations

import logging

from celery import shared_task

from search.engine.client import get_client, is_configured
from search.indexing.outbox import apply_pending, purge_processed
from search.indexing.reindex import apply_rule_change, rebuild
from search.indexing.synonyms import ensure_in_sync
from search.indexing.timing import enqueue_stale_upcoming

logger = logging.getLogger(__name__)


@shared_task(name="search.apply_outbox", ignore_result=True)
def apply_outbox() -> dict:
    """Apply the pending outbox rows (queued after each commit that wrote some)."""
    return apply_pending().as_dict()


@shared_task(name="search.drain_outbox", ignore_result=True)
def drain_outbox() -> dict:
    """Every minute: apply what is left (Elasticsearch or the broker was down), tidy up,
    and make sure the synonyms set holds the current rules."""
    if not is_configured():
        return {}
    report = apply_pending().as_dict()
    report["purged"] = purge_processed()
    if not report["unavailable"]:
        try:
            report["synonyms_pushed"] = ensure_in_sync(get_client())
        except Exception as exc:  # reported, retried next minute
            logger.warning("search: synonyms check failed: %s", exc)
    return report


@shared_task(name="search.refresh_event_timing", ignore_result=True)
def refresh_event_timing() -> int:
    """Every hour: re-check events the index still calls upcoming (their date may have passed)."""
    if not is_configured():
        return 0
    return enqueue_stale_upcoming()


@shared_task(
    name="search.push_synonyms", bind=True, ignore_result=True,
    autoretry_for=(Exception,), retry_backoff=10, retry_backoff_max=600, max_retries=20,
)
def push_synonyms(self) -> str:
    """After an edit of the synonym rules: reload the set in place (or rebuild the index)."""
    return apply_rule_change()


@shared_task(name="search.reindex", ignore_result=True)
def reindex() -> dict:
    """Zero-downtime rebuild (used when synonyms cannot be reloaded in place)."""
    return rebuild().as_dict()
