"""Celery tasks of the newsletter. Mail that fails is retried, never dropped."""
from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)

MAIL_ERRORS = (smtplib.SMTPException, OSError)


def _is_eager() -> bool:
    from portal.celery import app

    return bool(app.conf.task_always_eager)


# --- subscriptions ---------------------------------------------------------------------------


@shared_task(name="newsletter.send_confirmation_mail", autoretry_for=MAIL_ERRORS, retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def send_confirmation_mail(subscriber_id: int) -> bool:
    from newsletter.models import Subscriber
    from newsletter.notices import send_confirmation

    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.PENDING).first()
    if subscriber is None:  # confirmed, purged or erased meanwhile
        return False
    send_confirmation(subscriber)
    return True


@shared_task(name="newsletter.send_already_subscribed_mail", autoretry_for=MAIL_ERRORS, retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def send_already_subscribed_mail(subscriber_id: int) -> bool:
    from newsletter.models import Subscriber
    from newsletter.notices import send_already_subscribed

    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.ACTIVE).first()
    if subscriber is None:
        return False
    send_already_subscribed(subscriber)
    return True


@shared_task(name="newsletter.purge_unconfirmed")
def purge_unconfirmed() -> int:
    from newsletter.subscriptions import purge_unconfirmed as purge

    deleted = purge()
    log.info("newsletter: %s unconfirmed subscriptions purged", deleted)
    return deleted


# --- editions --------------------------------------------------------------------------------


def editors_emails() -> list[str]:
    """Active users who may edit editions (directly, through a group, or as superusers)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    permission = Permission.objects.filter(content_type__app_label="newsletter", codename="change_edition").first()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    query = Q(is_superuser=True)
    if permission:
        query |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return sorted(set(users.filter(query).values_list("email", flat=True)))


@shared_task(name="newsletter.build_edition", autoretry_for=MAIL_ERRORS, retry_backoff=60, max_retries=10)
def build_edition(today: str | None = None) -> dict:
    """Beat, day 1 of every second month: the draft of the period after the last edition once that
    period has ended, then a mail to editors.

    Idempotent: a second run (or a run on any other day) finds the same draft and does not notify again.
    """
    import datetime

    from newsletter.editions import create_next_edition
    from newsletter.notices import notify_editors

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    edition, created = create_next_edition(day, ended_only=True)
    if edition is None:
        return {"edition": None, "number": None, "created": False, "items": 0}
    if edition.editors_notified_at is None:
        notify_editors(edition, editors_emails())
        type(edition).objects.filter(pk=edition.pk).update(editors_notified_at=timezone.now())
    return {"edition": edition.pk, "number": edition.number, "created": created, "items": edition.items.count()}


# --- sending ---------------------------------------------------------------------------------


@shared_task(name="newsletter.fan_out", acks_late=True)
def fan_out(edition_id: int) -> int:
    """Create delivery rows and segment renders, then start the sending loops. Safe to repeat."""
    from newsletter import conf, sending
    from newsletter.models import Edition

    edition = Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).first()
    if edition is None:
        return 0
    total = sending.fan_out(edition)
    for _ in range(conf.parallel_senders()):
        send_batch.delay(edition_id)
        if _is_eager():  # in-process, one loop drains everything
            break
    return total


@shared_task(name="newsletter.send_batch", acks_late=True)
def send_batch(edition_id: int) -> dict:
    """One batch over one SMTP connection, then the next batch (now, or when retries are due)."""
    from newsletter import sending
    from newsletter.models import Edition

    result = sending.run_batch(edition_id)
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is not None and edition.status == Edition.Status.SENDING:
        delay = sending.next_retry_delay(edition)
        if delay == 0 and result.handled:
            send_batch.delay(edition_id)
        elif delay and not _is_eager():
            send_batch.apply_async((edition_id,), countdown=min(delay + 1, 3600))
    return {"sent": result.sent, "deferred": result.deferred, "failed": result.failed,
            "skipped": result.skipped, "stopped": result.stopped}


@shared_task(name="newsletter.tick")
def tick() -> dict:
    """Every minute: start scheduled editions whose time has come, resume stalled sending."""
    import datetime

    from newsletter import sending
    from newsletter.models import Edition

    now = timezone.now()
    started = []
    for edition in Edition.objects.filter(status=Edition.Status.SCHEDULED, scheduled_at__lte=now):
        try:
            sending.start_sending(edition)
            started.append(edition.number)
        except sending.EmptyEdition:  # nothing left to send: back to the editors, flagged on its page
            sending.back_to_draft(edition)
            log.warning("newsletter %s: scheduled but empty, back to draft", edition.number)
        except sending.InvalidTransition:
            continue
    stalled_before = now - datetime.timedelta(seconds=sending.STALL_SECONDS)
    resumed = []
    for edition in Edition.objects.filter(status=Edition.Status.SENDING, last_progress_at__lt=stalled_before):
        Edition.objects.filter(pk=edition.pk).update(last_progress_at=now)
        fan_out.delay(edition.pk)
        resumed.append(edition.number)
    return {"started": started, "resumed": resumed}


@shared_task(name="newsletter.resume_interrupted")
def resume_interrupted() -> list[int]:
    """At worker start: pick up editions a dead worker was sending (their claims were rolled back)."""
    from newsletter.models import Edition

    numbers = []
    for edition in Edition.objects.filter(status=Edition.Status.SENDING):
        fan_out.delay(edition.pk)
        numbers.append(edition.number)
    return numbers


# --- bounces ---------------------------------------------------------------------------------


@shared_task(name="newsletter.read_bounce_mailbox")
def read_bounce_mailbox() -> dict:
    """Beat, every 5 minutes: bounce reports and mailto unsubscribes from the IMAP mailbox(es)."""
    from newsletter.bounces import read_mailboxes

    outcomes = read_mailboxes()
    if outcomes:
        log.info("newsletter: bounce mailbox read: %s", dict(outcomes))
    return dict(outcomes)


@shared_task(name="newsletter.send_welcome_mail", autoretry_for=MAIL_ERRORS, retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def send_welcome_mail(subscriber_id: int) -> bool:
    from newsletter.models import Subscriber
    from newsletter.notices import send_welcome

    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.ACTIVE).first()
    if subscriber is None:
        return False
    send_welcome(subscriber)
    return True


@shared_task(name="newsletter.send_data_request_mail", autoretry_for=MAIL_ERRORS, retry_backoff=30,
             retry_backoff_max=3600, max_retries=10)
def send_data_request_mail(subscriber_id: int, purpose: str) -> bool:
    """The signed, expiring link that downloads (``purpose="export"``) or erases (``"erase"``) the data."""
    from newsletter.models import Subscriber
    from newsletter.notices import send_data_request

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    send_data_request(subscriber, purpose)
    return True
