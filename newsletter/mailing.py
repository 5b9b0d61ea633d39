"""Composing one newsletter message: multipart/alternative, list headers, personal links."""
from __future__ import annotations

from email.utils import formataddr, parseaddr
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from newsletter import conf, tokens
from newsletter.rendering import personalise


def sender_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or (urlsplit(conf.public_base_url()).hostname or "localhost")


def list_id() -> str:
    return f"Newsletter CdP Inclusione Toscana <newsletter.{sender_domain()}>"


def personal_urls(subscriber) -> dict:
    token = tokens.personal_token(subscriber)
    return {
        "token": token,
        "preferences_url": conf.absolute_url(reverse("newsletter:preferences", args=[token])),
        "unsubscribe_url": conf.absolute_url(reverse("newsletter:unsubscribe", args=[token])),
    }


def list_headers(unsubscribe_url: str, token: str) -> dict:
    """RFC 2369 / RFC 8058 headers: an https one-click URL and a mailto."""
    mailto = f"mailto:{conf.unsubscribe_mailto()}?subject={quote('disiscrizione ' + token)}"
    return {
        "List-Id": list_id(),
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Archive": f"<{conf.absolute_url(reverse('newsletter:archive'))}>",
    }


def message_id(edition, delivery_id) -> str:
    """Stable per delivery: a retried message keeps its identity."""
    return f"<newsletter.{edition.number}.{delivery_id}@{sender_domain()}>"


def recipient(subscriber) -> str:
    return formataddr((subscriber.name, subscriber.email)) if subscriber.name else subscriber.email


def newsletter_message(edition, subscriber, render, delivery_id, connection=None) -> EmailMultiAlternatives:
    """The mail for one subscriber, from their segment's render."""
    urls = personal_urls(subscriber)
    html_body, text_body = personalise(render.html, render.text, urls["preferences_url"], urls["unsubscribe_url"])
    headers = {"Message-ID": message_id(edition, delivery_id), **list_headers(urls["unsubscribe_url"], urls["token"])}
    message = EmailMultiAlternatives(
        subject=render.subject, body=text_body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient(subscriber)], reply_to=[conf.reply_to()], headers=headers, connection=connection,
    )
    message.attach_alternative(html_body, "text/html")
    return message


def test_message(edition, render, address: str, connection=None) -> EmailMultiAlternatives:
    """A proof copy for editors: same content, generic links, marked in the subject."""
    from newsletter.rendering import generic_links

    preferences_url, unsubscribe_url = generic_links()
    html_body, text_body = personalise(render.html, render.text, preferences_url, unsubscribe_url)
    message = EmailMultiAlternatives(
        subject=f"[PROVA] {render.subject}", body=text_body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address], reply_to=[conf.reply_to()], headers={"List-Id": list_id()}, connection=connection,
    )
    message.attach_alternative(html_body, "text/html")
    return message
