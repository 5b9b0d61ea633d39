"""Celery tasks of the newsletter: building the draft, fan-out, sending batches, the periodic tick.

Celery finds tasks in this module; the transactional mails' tasks live in
``newsletter.notice_tasks`` (imported here so the worker registers them). Tasks call down
into the state, fan-out and batch modules, which never import the tasks.
"""
from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsletter import batches, conf, delivery_rows, edition_state, pacing
from newsletter.editions import create_next_edition
from newsletter.models import Edition
from newsletter.notice_tasks import send_already_subscribed_mail, send_confirmation_mail  # noqa: F401  (registered)
from newsletter.notices import notify_editors, notify_moderators
from newsletter.subscriptions import purge_unconfirmed as purge
from newsletter.transport import MAIL_ERRORS

log = logging.getLogger(__name__)


def _is_eager() -> bool:
    from portal.celery import app

    return bool(app.conf.task_always_eager)


# --- subscriptions ---------------------------------------------------------------------------


@shared_task(name="newsletter.purge_unconfirmed")
def purge_unconfirmed() -> int:
    deleted = purge()
    log.info("newsletter: %s unconfirmed subscriptions purged", deleted)
    return deleted


# --- editions --------------------------------------------------------------------------------


def users_with_edition_permission(codename: str) -> list[str]:
    """Addresses of active users who hold a newsletter permission (directly, through a group, or as superusers)."""
    permission = Permission.objects.filter(content_type__app_label="newsletter", codename=codename).first()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    query = Q(is_superuser=True)
    if permission:
        query |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return sorted(set(users.filter(query).values_list("email", flat=True)))


def editors_emails() -> list[str]:
    """Active users who may edit editions."""
    return users_with_edition_permission("change_edition")


@shared_task(name="newsletter.build_edition", autoretry_for=MAIL_ERRORS, retry_backoff=60, max_retries=10)
def build_edition(today: str | None = None) -> dict:
    """Beat, day 1 of every second month: the draft of the period after the last edition once that
    period has ended, then a mail to editors.

    Idempotent: a second run (or a run on any other day) finds the same draft and does not notify again.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    edition, created = create_next_edition(day, ended_only=True)
    if edition is None:
        return {"edition": None, "number": None, "created": False, "items": 0}
    if edition.editors_notified_at is None:
        notify_editors(edition, editors_emails())
        Edition.objects.filter(pk=edition.pk).update(editors_notified_at=timezone.now())
    return {"edition": edition.pk, "number": edition.number, "created": created, "items": edition.items.count()}


def moderators_to_notify(edition: Edition) -> list[str]:
    """Who approves editions, minus the submitter and whoever turned off Wagtail's
    "submitted for moderation" notifications in their admin account settings."""
    from wagtail.users.models import UserProfile

    addresses = set(users_with_edition_permission("approve_edition"))
    silent = set(UserProfile.objects.filter(submitted_notifications=False).values_list("user__email", flat=True))
    submitter = edition.submitted_by.email if edition.submitted_by else None
    return sorted(addresses - silent - {submitter})


@shared_task(name="newsletter.notify_moderators", autoretry_for=MAIL_ERRORS, retry_backoff=30, max_retries=10)
def send_moderators_notice(edition_id: int) -> list[str]:
    """The mail to moderators after an edition is submitted (nothing if it left moderation meanwhile)."""
    edition = Edition.objects.filter(pk=edition_id, status=Edition.Status.SUBMITTED).select_related(
        "submitted_by").first()
    if edition is None:
        return []
    recipients = moderators_to_notify(edition)
    notify_moderators(edition, recipients)
    return recipients


def queue_moderators_notice(edition: Edition) -> None:
    edition_id = edition.pk
    transaction.on_commit(lambda: send_moderators_notice.delay(edition_id))


# --- sending ---------------------------------------------------------------------------------


def queue_fan_out(edition: Edition) -> None:
    """Queue the fan-out of an edition just set sending, once that change is committed."""
    edition_id = edition.pk
    transaction.on_commit(lambda: fan_out.delay(edition_id))


@shared_task(name="newsletter.fan_out", acks_late=True)
def fan_out(edition_id: int) -> int:
    """Create delivery rows and segment renders, then start the sending loops. Safe to repeat."""
    edition = Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).first()
    if edition is None:
        return 0
    total = delivery_rows.fan_out(edition)
    for _ in range(conf.parallel_senders()):
        send_batch.delay(edition_id)
        if _is_eager():  # in-process, one loop drains everything
            break
    return total


@shared_task(name="newsletter.send_batch", acks_late=True)
def send_batch(edition_id: int) -> dict:
    """One batch over one SMTP connection, then the next batch (now, or when retries are due)."""
    result = batches.run_batch(edition_id)
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is not None and edition.status == Edition.Status.SENDING:
        delay = pacing.next_retry_delay(edition)
        if delay == 0 and result.handled:
            send_batch.delay(edition_id)
        elif delay and not _is_eager():
            send_batch.apply_async((edition_id,), countdown=min(delay + 1, 3600))
    return {"sent": result.sent, "deferred": result.deferred, "failed": result.failed,
            "skipped": result.skipped, "stopped": result.stopped}


@shared_task(name="newsletter.tick")
def tick() -> dict:
    """Every minute: start scheduled editions whose time has come, resume stalled sending."""
    now = timezone.now()
    started = []
    for edition in Edition.objects.filter(status=Edition.Status.SCHEDULED, scheduled_at__lte=now):
        try:
            edition = edition_state.mark_sending(edition)
        except edition_state.EmptyEdition:  # nothing left to send: back to the editors, flagged on its page
            edition_state.back_to_draft(edition)
            log.warning("newsletter %s: scheduled but empty, back to draft", edition.number)
            continue
        except edition_state.InvalidTransition:
            continue
        queue_fan_out(edition)
        started.append(edition.number)
    stalled_before = now - datetime.timedelta(seconds=pacing.STALL_SECONDS)
    resumed = []
    for edition in Edition.objects.filter(status=Edition.Status.SENDING, last_progress_at__lt=stalled_before):
        Edition.objects.filter(pk=edition.pk).update(last_progress_at=now)
        fan_out.delay(edition.pk)
        resumed.append(edition.number)
    return {"started": started, "resumed": resumed}


@shared_task(name="newsletter.resume_interrupted")
def resume_interrupted() -> list[int]:
    """At worker start: pick up editions a dead worker was sending (their claims were rolled back)."""
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
