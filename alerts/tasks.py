"""Celery tasks of the alerts (names are stable: the beat schedule refers to them)."""
from __future__ import annotations

from celery import shared_task

from search.engine.client import is_configured


@shared_task(name="alerts.run_saved_searches", ignore_result=True)
def run_saved_searches() -> int:
    """Every 15 minutes, on the database only: Elasticsearch percolates as it indexes."""
    if is_configured():
        return 0
    from alerts.matching import run_saved_searches as run

    return run()


@shared_task(name="alerts.send_digests", ignore_result=True)
def send_digests(frequency: str | None = None) -> int:
    """Daily (frequency "daily") and on Mondays (frequency "weekly"): mail what the alerts found."""
    from alerts.digest import send_digests as send

    return send(frequency)


@shared_task(name="alerts.send_confirmation", ignore_result=True, autoretry_for=(OSError,),
             retry_backoff=30, max_retries=5)
def send_confirmation(alert_id: int) -> bool:
    from alerts.mailing import confirmation_message
    from alerts.models import Alert

    alert = Alert.objects.filter(pk=alert_id, confirmed_at__isnull=True).first()
    if alert is None:
        return False
    confirmation_message(alert).send()
    return True


@shared_task(name="alerts.store_query", ignore_result=True, autoretry_for=(Exception,),
             retry_backoff=10, max_retries=10)
def store_query(alert_id: int) -> bool:
    """Put a confirmed alert's query in the percolator (retried while Elasticsearch is away)."""
    from alerts import percolator
    from alerts.models import Alert

    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        percolator.remove(alert_id)
        return False
    percolator.store(alert)
    return True
