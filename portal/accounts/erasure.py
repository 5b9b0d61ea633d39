"""Erasing a member and their personal data (GDPR art. 17), in one place."""
import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from portal.accounts.signals import account_deleting

log = logging.getLogger(__name__)


def erase_account(user) -> str:
    """Delete the user with everything that belongs to them; returns the e-mail it had.

    Other apps erase their data from the ``account_deleting`` signal. Pages the member
    submitted stay (the community's content), but lose their link to the person:
    Wagtail sets owner and revision user to NULL.
    """
    email, pk = user.email, user.pk
    with transaction.atomic():
        account_deleting.send(sender=get_user_model(), user=user, email=email)
        user.delete()
    log.info("account %s erased", pk)
    return email
