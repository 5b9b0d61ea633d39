"""Mails to members: rendered here (in the member's language), delivered by a retried Celery task.

``queue_mail`` waits for the transaction to commit; ``dispatch`` hands a rendered mail to
the worker now (allauth's mails go this way through the adapter). A failed SMTP delivery
is retried by the task (portal.tasks.send_member_mail); an unreachable broker makes us try
SMTP in-process instead of dropping the mail. The member area (portal.accounts), the questions
and the relay send through here; it imports none of the portal's apps (the app-layers contract
in pyproject.toml).
"""
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from portal import public_urls

log = logging.getLogger(__name__)


def mail_context(context: dict) -> dict:
    """What every mail template may use, without a request: the site's name and public address."""
    return {"PUBLIC_BASE_URL": public_urls.base_url(), "SITE_NAME": settings.WAGTAIL_SITE_NAME, **context}


def render_mail(template_prefix: str, context: dict) -> tuple[str, str]:
    """Subject (with the portal's prefix) and plain-text body from ``<prefix>_subject.txt`` / ``_message.txt``."""
    context = mail_context(context)
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    body = render_to_string(f"{template_prefix}_message.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body


def dispatch(to: str, subject: str, body: str, attachments: list | None = None, reply_to: str | None = None) -> None:
    from portal.tasks import send_member_mail

    args = (to, subject, body, list(attachments or []), reply_to)
    try:
        send_member_mail.delay(*args)
    except Exception:  # broker unreachable (kombu OperationalError and friends)
        log.warning("mail to %s: broker unavailable, sending in-process", to, exc_info=True)
        send_member_mail.apply(args=args)


def queue_mail(to: str, template_prefix: str, context: dict, attachments: list[tuple[str, str, str]] | None = None) -> None:
    """Send once the current transaction commits. ``attachments``: (filename, text, mimetype), e.g. an .ics."""
    subject, body = render_mail(template_prefix, context)
    transaction.on_commit(lambda: dispatch(to, subject, body, attachments or []))
