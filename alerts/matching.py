"""Recording what each alert found: percolated outbox documents, or the database's answer.

Elasticsearch: ``search.service.documents_applied`` hands over each batch the outbox wrote;
it is percolated in one request and a match row is kept per (alert, page, published state),
so re-indexing an unchanged page finds nothing new and an update published later does.
Database: ``run_saved_searches`` (periodic) asks each confirmed alert's search about the pages
published since that alert was last checked. Both keep the same rows, so both digests agree.
"""
from __future__ import annotations

import logging
from datetime import timezone as dt_timezone

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from alerts import percolator
from alerts.models import Alert, AlertMatch
from search.service import documents_applied, matching_ids, request_from_query_string

logger = logging.getLogger(__name__)


def _published(value):
    if value is None:
        return None
    if not isinstance(value, str):
        return value
    moment = parse_datetime(value)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt_timezone.utc)
    return moment


def record(found: dict[int, list[tuple[int, object]]]) -> int:
    """Keep ``{alert_id: [(page_id, published_at), ...]}`` as match rows; returns how many are new."""
    alerts = set(Alert.objects.filter(pk__in=list(found), confirmed_at__isnull=False).values_list("pk", flat=True))
    rows = [AlertMatch(alert_id=alert_id, page_id=page_id, published_at=published)
            for alert_id, pairs in found.items() if alert_id in alerts
            for page_id, published in pairs if published is not None]
    if not rows:
        return 0
    before = AlertMatch.objects.count()
    try:
        AlertMatch.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # an alert deleted meanwhile: one by one
        for row in rows:
            try:
                with transaction.atomic():
                    AlertMatch.objects.get_or_create(alert_id=row.alert_id, page_id=row.page_id,
                                                     published_at=row.published_at)
            except IntegrityError:
                pass
    return AlertMatch.objects.count() - before


def percolate_documents(documents: list[tuple[int, dict]]) -> int:
    """Percolate documents just indexed; record the matches. Returns how many rows are new."""
    if not documents:
        return 0
    found = percolator.percolate([document for _page_id, document in documents])
    matches = {
        alert_id: [(documents[slot][0], _published(documents[slot][1].get("last_published_at"))) for slot in slots]
        for alert_id, slots in found.items()
    }
    return record(matches)


@receiver(documents_applied, dispatch_uid="alerts.percolate")
def _on_documents_applied(sender, documents, **kwargs):
    percolate_documents(documents)


def run_saved_searches(now=None) -> int:
    """The database path: each confirmed alert's search over the pages published since it
    was last checked (or since it was confirmed). Returns how many match rows are new."""
    from search.corpus import indexable_pages

    now = now or timezone.now()
    new = 0
    for alert in Alert.objects.filter(confirmed_at__isnull=False).select_related("user").iterator():
        since = alert.checked_until or alert.confirmed_at
        member = alert.user_id is not None
        changed = dict(indexable_pages(members=member)
                       .filter(last_published_at__gt=since, last_published_at__lte=now)
                       .values_list("pk", "last_published_at"))
        if changed:
            request = request_from_query_string(alert.query, member=member)
            found = matching_ids(request, changed)
            new += record({alert.pk: [(page_id, changed[page_id]) for page_id in found]})
        Alert.objects.filter(pk=alert.pk).update(checked_until=now)
    return new
