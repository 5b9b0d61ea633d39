"""Mailing what each alert found: one digest per alert, daily or weekly, each page once.

Before a page goes into a digest it is asked again, now, whether it is live and whether the
recipient may see it (``cms.visibility.visible``, as a member only when the alert belongs to a
member with a verified e-mail): a page restricted since it matched, or an alert whose owner
lost membership, never carries members-only content. The alert row is locked while its digest
is sent (``SKIP LOCKED``: two runs never mail it twice) and its matches are marked sent in the
same transaction.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from alerts.mailing import digest_message
from alerts.models import Alert, AlertMatch
from cms.visibility import visible
from portal.public_urls import page_url

logger = logging.getLogger(__name__)

MAX_PAGES = 50  # a digest lists at most this many pages (newest first); the rest are on the search page
PERIOD = {Alert.Frequency.DAILY: timedelta(hours=20), Alert.Frequency.WEEKLY: timedelta(days=6)}
BATCH = 500  # due alerts read at a time


def digest_pages(alert, page_ids: list[int]) -> list[dict]:
    """The pages of a digest, newest first, as the recipient may see them now."""
    member = alert.for_member()
    pages = Page.objects.live().filter(pk__in=page_ids).specific().order_by("-last_published_at")
    shown = []
    for page in pages:
        if not visible(page, member=member):
            continue
        shown.append({
            "id": page.pk, "title": page.title, "url": page_url(page),
            "summary": getattr(page, "summary", "") or "",
            "updated": bool(page.first_published_at and alert.confirmed_at and page.first_published_at < alert.confirmed_at),
        })
    return shown[:MAX_PAGES]


def due_alerts(frequency: str | None, now, batch: int = BATCH) -> Iterator[int]:
    """Ids of the confirmed alerts with something unsent, of this frequency, not mailed within their
    period; ``batch`` at a time, by id, so a run holds one batch whatever the number of alerts (every
    alert as a model instance was 8.5 MB at 10,000, bench/alerts.py). Each batch is a new query: no
    cursor stays open while the digests before it are sent and marked."""
    period_over = Q(last_sent_at__isnull=True)  # PERIOD names every Alert.Frequency
    for kind, period in PERIOD.items():
        period_over |= Q(frequency=kind, last_sent_at__lte=now - period)
    alerts = Alert.objects.filter(period_over, confirmed_at__isnull=False, matches__sent_at__isnull=True)
    if frequency:
        alerts = alerts.filter(frequency=frequency)
    ids = alerts.order_by("pk").values_list("pk", flat=True).distinct()
    last = 0
    while True:
        chunk = list(ids.filter(pk__gt=last)[:batch])
        yield from chunk
        if len(chunk) < batch:
            return
        last = chunk[-1]


def send_digest(alert_id: int, now=None, connection=None) -> int:
    """Mail one alert's unsent matches (if any is still visible to its recipient); 1 if a mail left."""
    now = now or timezone.now()
    with transaction.atomic():
        alert = (Alert.objects.select_for_update(skip_locked=True, of=("self",)).select_related("user")
                 .filter(pk=alert_id, confirmed_at__isnull=False).first())
        if alert is None:
            return 0
        pending = AlertMatch.objects.filter(alert=alert, sent_at__isnull=True)
        page_ids = list(dict.fromkeys(pending.values_list("page_id", flat=True)))
        pages = digest_pages(alert, page_ids)
        sent = 0
        if pages:
            digest_message(alert, pages, connection=connection).send()
            alert.last_sent_at = now
            alert.save(update_fields=["last_sent_at"])
            sent = 1
        pending.update(sent_at=now)  # pages the recipient may not see are dropped, not kept for later
        return sent


def send_digests(frequency: str | None = None, now=None) -> int:
    """Send every due digest; returns how many mails left. One SMTP connection for all."""
    now = now or timezone.now()
    sent = 0
    connection = get_connection()
    with connection:
        for alert_id in due_alerts(frequency, now):
            try:
                sent += send_digest(alert_id, now, connection)
            except Exception:  # one bad address or a refused mail must not stop the others
                logger.exception("alerts: the digest of alert %s was not sent; it stays pending", alert_id)
    return sent
