"""Celery tasks of the transactional mails (confirmation, reminder, welcome, data links). Mail that fails is retried, never dropped.

They live below ``newsletter.subscriptions``, which queues them, and apart from the sending
tasks (``newsletter.tasks``), which import the subscriptions: no import cycle either way.
"""
from __future__ import annotations

from celery import shared_task

from newsletter.models import Subscriber
from newsletter.notices import send_already_subscribed, send_confirmation, send_data_request, send_welcome
from newsletter.transport import MAIL_ERRORS


@shared_task(name="newsletter.send_confirmation_mail", autoretry_for=MAIL_ERRORS, retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def send_confirmation_mail(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.PENDING).first()
    if subscriber is None:  # confirmed, purged or erased meanwhile
        return False
    send_confirmation(subscriber)
    return True


@shared_task(name="newsletter.send_already_subscribed_mail", autoretry_for=MAIL_ERRORS, retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def send_already_subscribed_mail(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.ACTIVE).first()
    if subscriber is None:
        return False
    send_already_subscribed(subscriber)
    return True


@shared_task(name="newsletter.send_welcome_mail", autoretry_for=MAIL_ERRORS, retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def send_welcome_mail(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.ACTIVE).first()
    if subscriber is None:
        return False
    send_welcome(subscriber)
    return True


@shared_task(name="newsletter.send_data_request_mail", autoretry_for=MAIL_ERRORS, retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def send_data_request_mail(subscriber_id: int, purpose: str) -> bool:
    """The signed, expiring link that downloads (``purpose="export"``) or erases (``"erase"``) the data."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    send_data_request(subscriber, purpose)
    return True
