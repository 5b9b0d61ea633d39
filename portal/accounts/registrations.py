"""Registering members to seminars: capacity, waiting list, automatic promotion.

Every change takes a row lock on the seminar first (``SELECT ... FOR UPDATE`` on the
seminar's own table), so two requests racing for the last seat are serialised and
exactly one gets it. Mails leave after commit (mail.queue_mail).
"""
from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Registration, RegistrationStatus
from portal.mail import queue_mail
from portal.membership import is_verified_member

log = logging.getLogger(__name__)


class RegistrationRefused(Exception):
    """Why a member cannot register; the message is shown to them (Italian)."""


def registration_open(seminar) -> bool:
    """Online registration exists (capacity set), the page is live and the seminar has not started."""
    return bool(seminar.live and seminar.capacity is not None and seminar.start and seminar.start > timezone.now())


def seat_counts(seminar) -> dict[str, int]:
    rows = Registration.objects.filter(seminar=seminar).exclude(status=RegistrationStatus.CANCELLED)
    confirmed = rows.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = rows.filter(status=RegistrationStatus.WAITING).count()
    capacity = seminar.capacity or 0
    return {"capacity": capacity, "confirmed": confirmed, "waiting": waiting, "free": max(capacity - confirmed, 0)}


def registration_of(seminar, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(seminar=seminar, user=user).exclude(status=RegistrationStatus.CANCELLED).first()


def _lock(seminar):
    """The seminar row, locked until the transaction ends (a no-op on SQLite, which serialises writes)."""
    from cms.models import SeminarPage

    return SeminarPage.objects.select_for_update(of=("self",)).only("pk", "capacity").get(pk=seminar.pk)


def register(seminar, user) -> Registration:
    """Confirm a seat if one is free, else join the waiting list. Registering twice is harmless."""
    if not is_verified_member(user):
        raise RegistrationRefused(_("Per iscriverti devi accedere con un indirizzo email verificato."))
    if not registration_open(seminar):
        raise RegistrationRefused(_("Le iscrizioni online a questo seminario non sono aperte."))
    with transaction.atomic():
        locked = _lock(seminar)
        registration = Registration.objects.filter(seminar_id=locked.pk, user=user).first()
        if registration is not None and registration.status != RegistrationStatus.CANCELLED:
            return registration
        confirmed = Registration.objects.filter(seminar_id=locked.pk, status=RegistrationStatus.CONFIRMED).count()
        status = RegistrationStatus.CONFIRMED if confirmed < (locked.capacity or 0) else RegistrationStatus.WAITING
        if registration is None:
            registration = Registration.objects.create(seminar_id=locked.pk, user=user, status=status)
        else:  # back after cancelling: to the end of the queue
            registration.status = status
            registration.queued_at = timezone.now()
            registration.reminder_sent_at = None
            registration.save(update_fields=["status", "queued_at", "reminder_sent_at", "updated_at"])
        _notify(registration, seminar)
    log.info("registration %s: seminar %s user %s -> %s", registration.pk, seminar.pk, user.pk, status)
    return registration


def cancel(seminar, user, notify: bool = True) -> Registration | None:
    """Cancel the member's registration; a freed seat goes to the first on the waiting list."""
    with transaction.atomic():
        _lock(seminar)
        registration = (
            Registration.objects.filter(seminar_id=seminar.pk, user=user).exclude(status=RegistrationStatus.CANCELLED).first()
        )
        if registration is None:
            return None
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        if notify:
            queue_mail(user.email, "accounts/email/registration_cancelled", {"seminar": seminar, "user": user})
        _fill_free_seats(seminar)
    return registration


def fill_free_seats(seminar) -> list[Registration]:
    """Promote from the waiting list while seats are free (after a cancellation or a larger capacity)."""
    with transaction.atomic():
        _lock(seminar)
        return _fill_free_seats(seminar)


def _fill_free_seats(seminar) -> list[Registration]:
    promoted = []
    if seminar.start and seminar.start <= timezone.now():
        return promoted  # nobody is promoted into a seminar that has begun
    counts = seat_counts(seminar)
    if counts["free"] and counts["waiting"]:
        waiting = Registration.objects.filter(seminar_id=seminar.pk, status=RegistrationStatus.WAITING).select_related("user")
        for registration in waiting.order_by("queued_at", "pk")[: counts["free"]]:
            registration.status = RegistrationStatus.CONFIRMED
            registration.save(update_fields=["status", "updated_at"])
            _notify(registration, seminar, promoted=True)
            promoted.append(registration)
    return promoted


def _notify(registration: Registration, seminar, promoted: bool = False) -> None:
    from portal.accounts.ics import seminar_ics

    user = registration.user
    context = {"seminar": seminar, "user": user, "registration": registration, "promoted": promoted}
    if registration.status == RegistrationStatus.CONFIRMED:
        attachment = (f"seminario-{seminar.slug}.ics", seminar_ics(seminar), "text/calendar")
        queue_mail(user.email, "accounts/email/registration_confirmed", context, attachments=[attachment])
    else:
        queue_mail(user.email, "accounts/email/registration_waiting", context)
