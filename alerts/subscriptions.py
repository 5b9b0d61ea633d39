"""Saving, confirming, changing and removing alerts: the one place that keeps the percolator in step."""
from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from alerts import percolator
from alerts.models import Alert

logger = logging.getLogger(__name__)

MAX_PENDING_PER_ADDRESS = 5  # unconfirmed alerts an address may have: no mail-bombing through the form


class TooManyPending(Exception):
    pass


def _store(alert: Alert) -> None:
    from alerts.tasks import store_query

    try:
        percolator.store(alert, refresh=True)
    except Exception as exc:  # Elasticsearch away: the task retries
        logger.warning("alerts: could not store alert %s in the percolator now (%s); queued", alert.pk, exc)
        transaction.on_commit(lambda: store_query.delay(alert.pk))


def _unstore(alert_id: int) -> None:
    from alerts.tasks import store_query

    try:
        percolator.remove(alert_id)
    except Exception as exc:
        logger.warning("alerts: could not remove alert %s from the percolator now (%s); queued", alert_id, exc)
        transaction.on_commit(lambda: store_query.delay(alert_id))


def for_member(user, query: str, frequency: str) -> tuple[Alert, bool]:
    """A member's alert, active at once (their address is verified). (alert, created)."""
    alert, created = Alert.objects.get_or_create(
        user=user, query=query, defaults={"email": user.email, "frequency": frequency, "confirmed_at": timezone.now()})
    if not created and alert.frequency != frequency:
        alert.frequency = frequency
        alert.save(update_fields=["frequency"])
    if created:
        _store(alert)
    return alert, created


def for_visitor(email: str, query: str, frequency: str) -> Alert | None:
    """A visitor's alert, waiting for the confirmation link (mailed). None when it is active already."""
    from alerts.tasks import send_confirmation

    email = email.strip().lower()
    existing = Alert.objects.filter(user__isnull=True, email=email, query=query).first()
    if existing and existing.confirmed:
        return None
    if existing is None:
        if Alert.objects.filter(user__isnull=True, email=email, confirmed_at__isnull=True).count() >= MAX_PENDING_PER_ADDRESS:
            raise TooManyPending(email)
        existing = Alert.objects.create(email=email, query=query, frequency=frequency)
    elif existing.frequency != frequency:
        existing.frequency = frequency
        existing.save(update_fields=["frequency"])
    alert_id = existing.pk
    transaction.on_commit(lambda: send_confirmation.delay(alert_id))
    return existing


def confirm(alert: Alert) -> Alert:
    if not alert.confirmed:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
        _store(alert)
    return alert


def change_frequency(alert: Alert, frequency: str) -> None:
    if frequency in Alert.Frequency.values and alert.frequency != frequency:
        alert.frequency = frequency
        alert.save(update_fields=["frequency"])


def remove(alert: Alert) -> None:
    """Unsubscribe: the alert, its matches and its stored query go; nothing more is mailed."""
    alert_id = alert.pk
    alert.delete()
    _unstore(alert_id)


def export_data(user) -> list[dict]:
    """A member's alerts, for the data download."""
    return [{"ricerca": a.query, "frequenza": a.frequency, "email": a.email,
             "creato": a.created.isoformat(), "ultimo_invio": a.last_sent_at.isoformat() if a.last_sent_at else None}
            for a in Alert.objects.filter(user=user)]


def member_alerts(user) -> list[dict]:
    """A member's alerts for "La mia area": what each follows and where it leads."""
    from alerts.describing import describe, search_path

    return [{"alert": a, "description": describe(a.query), "search_url": search_path(a.query)}
            for a in Alert.objects.filter(user=user)]
