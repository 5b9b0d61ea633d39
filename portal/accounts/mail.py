"""Mails to members: rendered now (in the member's language), sent by a retried Celery task after commit."""
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string


def render_mail(template_prefix: str, context: dict) -> tuple[str, str]:
    """Subject and plain-text body from ``<prefix>_subject.txt`` and ``<prefix>_message.txt``."""
    context = {"PUBLIC_BASE_URL": settings.PUBLIC_BASE_URL, "SITE_NAME": settings.WAGTAIL_SITE_NAME, **context}
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    subject = " ".join(subject.split())
    body = render_to_string(f"{template_prefix}_message.txt", context)
    return subject, body


def queue_mail(to: str, template_prefix: str, context: dict, attachments: list[tuple[str, str, str]] | None = None) -> None:
    """Send once the current transaction commits; a failed SMTP delivery is retried, not dropped.

    ``attachments`` are (filename, text content, mimetype) triples, e.g. an .ics file.
    """
    from portal.accounts.tasks import send_member_mail

    subject, body = render_mail(template_prefix, context)
    transaction.on_commit(lambda: send_member_mail.delay(to, subject, body, attachments or []))
