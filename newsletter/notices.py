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


def manage_links(subscriber) -> dict:
    """Every link a subscriber manages the subscription with (welcome mail, reminders)."""
    token = tokens.personal_token(subscriber)
    return {
        **personal_links(subscriber),
        "export_request_url": conf.absolute_url(reverse("newsletter:export", args=[token])),
        "erase_request_url": conf.absolute_url(reverse("newsletter:erase", args=[token])),
        "archive_url": conf.absolute_url(reverse("newsletter:archive")),
        "privacy_url": conf.privacy_url(),
        "sender_identity": conf.sender_identity(),
    }


def send_welcome(subscriber) -> None:
    """After the confirmation: what the subscriber will get and how to manage it."""
    _send([subscriber.email], "newsletter/email/welcome", {"subscriber": subscriber, **manage_links(subscriber)})


def send_data_request(subscriber, purpose: str) -> None:
    """The link that, within NEWSLETTER_DATA_LINK_HOURS, downloads or erases the subscriber's data."""
    name = "newsletter:export_confirmed" if purpose == "export" else "newsletter:erase_confirmed"
    url = conf.absolute_url(reverse(name, args=[tokens.data_token(subscriber, purpose)]))
    _send([subscriber.email], f"newsletter/email/data_{purpose}", {
        "subscriber": subscriber, "url": url, "hours": conf.data_link_hours(),
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
