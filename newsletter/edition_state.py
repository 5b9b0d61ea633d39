"""The state of an edition: its transitions, its counters, its completion.

Listmonk's "manager" part that owns a campaign's status. Every transition is one
conditional UPDATE (``status IN allowed``), so two editors, the tick and the sending loop
never overwrite each other: a transition that lost the race raises ``InvalidTransition``.
These functions change rows only; the work a transition starts (the fan-out after
"send" or "resume") is queued by ``newsletter.dispatch``, which sits above the tasks.

Each transition is an entry of Wagtail's audit log (``newsletter.<action>``, with who did it:
no user for what the tick and the sending loop do by themselves); the entries appear in the
edition's history in the admin next to Wagtail's own "edited" entries and revisions.
"""
from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from wagtail.log_actions import log

from newsletter import conf, sent_copies
from newsletter.editions import has_content
from newsletter.models import Delivery, Edition


class InvalidTransition(Exception):
    """The edition is not in a state that allows the requested action."""


class EmptyEdition(InvalidTransition):
    """The edition has nothing new to send (no item still live and public): editors must act."""


def _require_content(edition: Edition) -> None:
    if not has_content(edition):
        raise EmptyEdition(edition.status)


#: The audit log's actions of an edition (labels registered in wagtail_hooks).
ACTIONS = ("submit", "approve", "draft", "schedule", "send", "pause", "resume", "cancel", "sent")


def _transition(edition: Edition, allowed: set, action: str, user=None, **changes) -> Edition:
    # The log entry commits with the change: whoever sees the new status sees its entry too.
    with transaction.atomic():
        updated = Edition.objects.filter(pk=edition.pk, status__in=list(allowed)).update(**changes)
        if updated:
            record(edition, action, user)
    edition.refresh_from_db()
    if not updated:
        raise InvalidTransition(edition.status)
    return edition


def record(edition: Edition, action: str, user=None, **data) -> None:
    """One entry of Wagtail's audit log for the edition."""
    log(instance=edition, action=f"newsletter.{action}", user=user if user and user.is_authenticated else None,
        data=data or None)


def submit_for_moderation(edition: Edition, user) -> Edition:
    """Editors hand a draft to the moderators (``dispatch`` has them notified)."""
    _require_content(edition)
    return _transition(
        edition, {Edition.Status.DRAFT}, "submit", user, status=Edition.Status.SUBMITTED, submitted_by=user,
        submitted_at=timezone.now(),
    )


def approve(edition: Edition, user) -> Edition:
    _require_content(edition)
    return _transition(
        edition, {Edition.Status.DRAFT, Edition.Status.SUBMITTED}, "approve", user, status=Edition.Status.APPROVED,
        approved_by=user, approved_at=timezone.now(),
    )


def back_to_draft(edition: Edition, user=None) -> Edition:
    """Any change to an approved edition needs a new approval."""
    return _transition(
        edition, {Edition.Status.APPROVED, Edition.Status.SCHEDULED, Edition.Status.SUBMITTED, Edition.Status.DRAFT},
        "draft", user, status=Edition.Status.DRAFT, approved_by=None, approved_at=None, scheduled_at=None,
    )


def schedule(edition: Edition, when: datetime.datetime, user=None) -> Edition:
    return _transition(
        edition, {Edition.Status.APPROVED, Edition.Status.SCHEDULED}, "schedule", user,
        status=Edition.Status.SCHEDULED, scheduled_at=when,
    )


def mark_sending(edition: Edition, user=None) -> Edition:
    """Approved or scheduled -> sending (the caller queues the fan-out).

    Whether the links count clicks is decided here, once: the mails of one edition are all alike.
    """
    _require_content(edition)
    now = timezone.now()
    return _transition(
        edition, Edition.SENDABLE, "send", user, status=Edition.Status.SENDING, error_count=0, last_progress_at=now,
        send_started_at=now, counts_clicks=conf.click_counting(),
    )


def mark_resumed(edition: Edition, user=None) -> Edition:
    """Paused -> sending, with a fresh error count (the caller queues the fan-out)."""
    return _transition(
        edition, {Edition.Status.PAUSED}, "resume", user, status=Edition.Status.SENDING, error_count=0,
        last_progress_at=timezone.now(),
    )


def pause(edition: Edition, user=None) -> Edition:
    return _transition(edition, {Edition.Status.SENDING}, "pause", user, status=Edition.Status.PAUSED)


def pause_over_threshold(edition: Edition) -> bool:
    """The sending loop's own pause after too many SMTP errors; False if the edition was no longer sending."""
    with transaction.atomic():
        paused = bool(Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
            status=Edition.Status.PAUSED))
        if paused:
            record(edition, "pause", errors=edition.error_count)
    return paused


def cancel(edition: Edition, user=None) -> Edition:
    with transaction.atomic():
        edition = _transition(
            edition,
            {Edition.Status.APPROVED, Edition.Status.SCHEDULED, Edition.Status.SENDING, Edition.Status.PAUSED},
            "cancel", user, status=Edition.Status.CANCELLED,
        )
        Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING).update(status=Delivery.Status.SKIPPED)
    refresh_counters(edition)
    return edition


# --- counters and completion ------------------------------------------------------------------


def progress(edition: Edition) -> dict:
    counts = dict(
        Delivery.objects.filter(edition=edition).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "status": edition.status,
        "status_label": str(Edition.Status(edition.status).label),
        "total": sum(counts.values()),
        "sent": counts.get(Delivery.Status.SENT, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0) + counts.get(Delivery.Status.BOUNCED, 0),
        "pending": counts.get(Delivery.Status.PENDING, 0),
        "skipped": counts.get(Delivery.Status.SKIPPED, 0),
    }


def refresh_counters(edition: Edition) -> Edition:
    numbers = progress(edition)
    Edition.objects.filter(pk=edition.pk).update(
        recipients_count=numbers["total"], sent_count=numbers["sent"], failed_count=numbers["failed"]
    )
    edition.refresh_from_db()
    return edition


def stamp_progress(edition: Edition) -> None:
    """The loop is alive: the tick resumes only editions without progress for a while."""
    Edition.objects.filter(pk=edition.pk).update(last_progress_at=timezone.now())


def finish_if_done(edition: Edition) -> bool:
    """Sending or paused with no row left pending: the edition is sent (a pause after the last claim
    has nothing to resume)."""
    if Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING).exists():
        return False
    # One transaction: whoever sees "sent" also sees the counters, the copies' dates and the log entry.
    with transaction.atomic():
        done = Edition.objects.filter(
            pk=edition.pk, status__in=[Edition.Status.SENDING, Edition.Status.PAUSED]
        ).update(status=Edition.Status.SENT, sent_at=timezone.now())
        edition = refresh_counters(edition)
        if done:
            sent_copies.record_completion(edition)
            record(edition, "sent", sent=edition.sent_count, failed=edition.failed_count)
    return bool(done)
