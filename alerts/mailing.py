"""The two mails of an alert: the confirmation (visitors' double opt-in) and the digest.

The digest carries the RFC 2369 / RFC 8058 list headers built by the newsletter
(``newsletter.messages.list_headers``: one-click https URL plus mailto), with the alert's own
unsubscribe link and its own List-Id and List-Archive (the search it follows).
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from alerts import tokens
from alerts.describing import describe, feed_path, search_path
from newsletter.messages import list_headers, sender_domain
from portal.public_urls import absolute_url


def links(alert) -> dict:
    token = tokens.alert_token(alert)
    manage = reverse("alerts:mine") if alert.user_id else reverse("alerts:manage", args=[tokens.manage_token(alert.email)])
    return {
        "token": token,
        "unsubscribe_url": absolute_url(reverse("alerts:unsubscribe", args=[token])),
        "manage_url": absolute_url(manage),
        "search_url": absolute_url(search_path(alert.query)),
        "feed_url": absolute_url(feed_path(alert.query)),
    }


def alert_headers(alert, urls: dict) -> dict:
    headers = list_headers(urls["unsubscribe_url"], urls["token"])
    headers["List-Id"] = f"Avvisi CdP Inclusione Toscana <avvisi.{sender_domain()}>"
    headers["List-Archive"] = f"<{urls['search_url']}>"
    return headers


def confirmation_message(alert) -> EmailMultiAlternatives:
    context = {"alert": alert, "description": describe(alert.query),
               "confirm_url": absolute_url(reverse("alerts:confirm", args=[tokens.confirm_token(alert)])),
               "days": tokens.CONFIRM_DAYS, "site_name": settings.WAGTAIL_SITE_NAME}
    return EmailMultiAlternatives(
        subject=_("Conferma l'avviso sulla ricerca %(what)s") % {"what": context["description"]},
        body=render_to_string("alerts/mail/confirm.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[alert.email],
    )


def digest_message(alert, pages: list, connection=None) -> EmailMultiAlternatives:
    urls = links(alert)
    context = {"alert": alert, "description": describe(alert.query), "pages": pages,
               "site_name": settings.WAGTAIL_SITE_NAME, **urls}
    message = EmailMultiAlternatives(
        subject=_("Novità per la tua ricerca %(what)s") % {"what": context["description"]},
        body=render_to_string("alerts/mail/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[alert.email],
        headers=alert_headers(alert, urls), connection=connection,
    )
    message.attach_alternative(render_to_string("alerts/mail/digest.html", context), "text/html")
    return message
