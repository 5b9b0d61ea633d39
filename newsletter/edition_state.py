"""The state of an edition: its transitions, its counters, its completion.

Listmonk's "manager" part that owns a campaign's status. Every transition is one
conditional UPDATE (``status IN allowed``), so two editors, the tick and the sending loop
never overwrite each other: a transition that lost the race raises ``InvalidTransition``.
These functions change rows only; the work a transition starts (the fan-out after
"send" or "resume") is queued by ``newsletter.dispatch``, which sits above the tasks.
"""
from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from newsletter import sent_copies
from newsletter.editions import has_content
from newsletter.models import Delivery, Edition


class InvalidTransition(Exception):
    """The edition is not in a state that allows the requested action."""


class EmptyEdition(InvalidTransition):
    """The edition has nothing new to send (no item still live and public): editors must act."""


def _require_content(edition: Edition) -> None:
    if not has_content(edition):
        raise EmptyEdition(edition.status)


def _transition(edition: Edition, allowed: set, **changes) -> Edition:
    updated = Edition.objects.filter(pk=edition.pk, status__in=list(allowed)).update(**changes)
    if not updated:
        edition.refresh_from_db()
        raise InvalidTransition(edition.status)
    edition.refresh_from_db()
    return edition


def approve(edition: Edition, user) -> Edition:
    _require_content(edition)
    return _transition(
        edition, {Edition.Status.DRAFT}, status=Edition.Status.APPROVED, approved_by=user, approved_at=timezone.now()
    )


def back_to_draft(edition: Edition) -> Edition:
    """Any change to an approved edition needs a new approval."""
    return _transition(
        edition, {Edition.Status.APPROVED, Edition.Status.SCHEDULED, Edition.Status.DRAFT},
        status=Edition.Status.DRAFT, approved_by=None, approved_at=None, scheduled_at=None,
    )


def schedule(edition: Edition, when: datetime.datetime) -> Edition:
    return _transition(
        edition, {Edition.Status.APPROVED, Edition.Status.SCHEDULED}, status=Edition.Status.SCHEDULED, scheduled_at=when
    )


def mark_sending(edition: Edition) -> Edition:
    """Approved or scheduled -> sending (the caller queues the fan-out)."""
    _require_content(edition)
    now = timezone.now()
    return _transition(
        edition, Edition.SENDABLE, status=Edition.Status.SENDING, error_count=0, last_progress_at=now,
        send_started_at=now,
    )


def mark_resumed(edition: Edition) -> Edition:
    """Paused -> sending, with a fresh error count (the caller queues the fan-out)."""
    return _transition(
        edition, {Edition.Status.PAUSED}, status=Edition.Status.SENDING, error_count=0, last_progress_at=timezone.now()
    )


def pause(edition: Edition) -> Edition:
    return _transition(edition, {Edition.Status.SENDING}, status=Edition.Status.PAUSED)


def pause_over_threshold(edition: Edition) -> bool:
    """The sending loop's own pause after too many SMTP errors; False if the edition was no longer sending."""
    return bool(Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
        status=Edition.Status.PAUSED))


def cancel(edition: Edition) -> Edition:
    with transaction.atomic():
        edition = _transition(
            edition,
            {Edition.Status.APPROVED, Edition.Status.SCHEDULED, Edition.Status.SENDING, Edition.Status.PAUSED},
            status=Edition.Status.CANCELLED,
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
    done = Edition.objects.filter(pk=edition.pk, status__in=[Edition.Status.SENDING, Edition.Status.PAUSED]).update(
        status=Edition.Status.SENT, sent_at=timezone.now()
    )
    edition = refresh_counters(edition)
    if done:
        sent_copies.record_completion(edition)
    return bool(done)
