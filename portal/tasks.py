"""Background work of the portal itself (Celery; found by autodiscovery, ``portal`` being an app).

``send_member_mail`` delivers the member mails portal.mail renders; it keeps its registered name
``accounts.send_member_mail``, so mails queued under that name are still delivered.
It imports none of the portal's apps (the app-layers contract in pyproject.toml).
"""
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage


@shared_task(
    name="accounts.send_member_mail",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=10,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_member_mail(to: str, subject: str, body: str, attachments: list, reply_to: str | None = None) -> None:
    """Deliver one mail to one member; SMTP/network errors retry with backoff. ``reply_to``: the
    member a relayed message answers to (relay/), so the recipient's reply reaches them directly."""
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], reply_to=[reply_to] if reply_to else None)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
