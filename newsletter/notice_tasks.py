"""Celery tasks of the transactional mails (confirmation, reminder, welcome, data links). Mail that fails is retried, never dropped.

They live below ``newsletter.subscriptions``, which queues them, and apart from the sending
tasks (``newsletter.tasks``), which import the subscriptions: no import cycle either way.
"""
from __future__ import annotations

from celery import shared_task

from newsletter.models import Subscriber
from newsletter.notices import send_already_subscribed, send_confirmation, send_data_request, send_welcome
from newsletter.transport import MAIL_ERRORS


# A mail that cannot reach the relay is retried with backoff for hours, never dropped.
RETRIED = {"autoretry_for": MAIL_ERRORS, "retry_backoff": 30, "retry_backoff_max": 3600, "max_retries": 10}


def _subscriber(subscriber_id: int, status: str | None = None) -> Subscriber | None:
    """The subscriber the mail is for, if still there (and in ``status``): confirmed, purged or erased meanwhile."""
    found = Subscriber.objects.filter(pk=subscriber_id)
    if status is not None:
        found = found.filter(status=status)
    return found.first()


@shared_task(name="newsletter.send_confirmation_mail", **RETRIED)
def send_confirmation_mail(subscriber_id: int) -> bool:
    subscriber = _subscriber(subscriber_id, Subscriber.Status.PENDING)
    if subscriber is not None:
        send_confirmation(subscriber)
    return subscriber is not None


@shared_task(name="newsletter.send_already_subscribed_mail", **RETRIED)
def send_already_subscribed_mail(subscriber_id: int) -> bool:
    subscriber = _subscriber(subscriber_id, Subscriber.Status.ACTIVE)
    if subscriber is not None:
        send_already_subscribed(subscriber)
    return subscriber is not None


@shared_task(name="newsletter.send_welcome_mail", **RETRIED)
def send_welcome_mail(subscriber_id: int) -> bool:
    subscriber = _subscriber(subscriber_id, Subscriber.Status.ACTIVE)
    if subscriber is not None:
        send_welcome(subscriber)
    return subscriber is not None


@shared_task(name="newsletter.send_data_request_mail", **RETRIED)
def send_data_request_mail(subscriber_id: int, purpose: str) -> bool:
    """The signed, expiring link that downloads (``purpose="export"``) or erases (``"erase"``) the data."""
    subscriber = _subscriber(subscriber_id)
    if subscriber is not None:
        send_data_request(subscriber, purpose)
    return subscriber is not None
