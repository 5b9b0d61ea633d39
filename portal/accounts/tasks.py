"""Background work of the accounts concern (Celery)."""
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


@shared_task(name="accounts.send_seminar_reminders")
def send_seminar_reminders() -> int:
    """Run by Celery beat (hourly in the day, see migration 0006): safe to run any number of times."""
    from portal.accounts.reminders import send_due_reminders

    return send_due_reminders()
