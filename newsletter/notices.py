"""Transactional mails of the newsletter (confirmation, reminders, editors' notice): plain UTF-8 text."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from newsletter import conf, messages, tokens


def _send(to: list[str], template: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to, reply_to=[conf.reply_to()],
        connection=get_connection(),
    )
    message.send()


def personal_links(subscriber) -> dict:
    """The subscriber's links for a notice's template (made by ``messages.personal_links``)."""
    links = messages.personal_links(subscriber)
    return {"preferences_url": links.preferences_url, "unsubscribe_url": links.unsubscribe_url}


def send_confirmation(subscriber) -> None:
    url = conf.absolute_url(reverse("newsletter:confirm", args=[tokens.confirm_token(subscriber)]))
    _send([subscriber.email], "newsletter/email/confirm", {
        "subscriber": subscriber, "confirm_url": url, "days": conf.confirm_days(),
    })


def send_already_subscribed(subscriber) -> None:
    _send([subscriber.email], "newsletter/email/already_subscribed", {
        "subscriber": subscriber, **personal_links(subscriber),
    })


def notify_editors(edition, recipients: list[str]) -> None:
    if not recipients:
        return
    from newsletter.admin_urls import edition_edit_url

    _send(recipients, "newsletter/email/draft_ready", {
        "edition": edition, "edit_url": conf.absolute_url(edition_edit_url(edition)),
        "items_count": edition.items.count(),
    })


def notify_moderators(edition, recipients: list[str]) -> None:
    """An edition waits for approval: where to review it, who submitted it (one mail, moderators in To)."""
    if not recipients:
        return
    from newsletter.admin_urls import edition_manage_url

    submitter = edition.submitted_by
    _send(recipients, "newsletter/email/submitted", {
        "edition": edition, "manage_url": conf.absolute_url(edition_manage_url(edition)),
        "submitter": (submitter.get_full_name() or submitter.get_username()) if submitter else "",
        "items_count": edition.items.count(),
    })
