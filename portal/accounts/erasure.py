"""Erasing a member and their personal data (GDPR art. 17), in one place."""
import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from portal.membership import account_deleting

log = logging.getLogger(__name__)


def _release_seats(user) -> None:
    """Cancel through the registration service, so the waiting list moves up."""
    from portal.accounts import registrations
    from portal.accounts.models import RegistrationStatus

    active = user.seminar_registrations.exclude(status=RegistrationStatus.CANCELLED).select_related("seminar")
    for registration in active:
        registrations.cancel(registration.seminar, user, notify=False)


def _private_uploads(user) -> list:
    from portal.accounts.models import SubmissionAttachment

    return [a.file for a in SubmissionAttachment.objects.filter(submission__user=user) if a.file]


def erase_account(user) -> str:
    """Delete the user with everything that belongs to them; returns the e-mail it had.

    Other apps erase their data from the ``account_deleting`` signal. Pages the member
    submitted stay (the community's content), but lose their link to the person:
    Wagtail sets owner and revision user to NULL. Private uploads are removed from disk
    once the deletion is committed.
    """
    email, pk = user.email, user.pk
    with transaction.atomic():
        account_deleting.send(sender=get_user_model(), user=user, email=email)
        _release_seats(user)
        uploads = _private_uploads(user)
        user.delete()
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in uploads])
    log.info("account %s erased", pk)
    return email
