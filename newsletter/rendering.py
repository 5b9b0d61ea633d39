"""Turning an edition into a mail: Django templates produce MJML, MRML turns it into HTML.

One render per segment (set of preferences); personal links are placeholders
filled in per message by ``personalise``. MJML errors raise ``MjmlError``.
"""
from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass

import mrml
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from newsletter import conf
from newsletter.editions import Item, Preferences, edition_items, kind_labels, sections

PREFERENCES_PLACEHOLDER = "__NEWSLETTER_PREFERENCES_URL__"
UNSUBSCRIBE_PLACEHOLDER = "__NEWSLETTER_UNSUBSCRIBE_URL__"

class MjmlError(RuntimeError):
    """The MJML produced by a template is not valid."""


@dataclass
class Rendered:
    subject: str
    html: str
    text: str
    items_count: int
    is_partial: bool


def mjml_to_html(source: str) -> str:
    """MRML, strictly: a parse error or any warning is an error."""
    try:
        output = mrml.to_html(source)
    except OSError as exc:  # how the binding reports parse errors
        raise MjmlError(f"MJML non valido: {exc}") from exc
    if output.warnings:
        details = "; ".join(f"{w.kind} at {w.start}-{w.end}" for w in output.warnings)
        raise MjmlError(f"MJML con avvisi: {details}")
    return output.content


def _absolute_links(fragment: str) -> str:
    """Root-relative links in rich text become absolute (a mail has no host)."""
    base = conf.public_base_url()
    return re.sub(r'(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{base}/', fragment)


def editorial_html(edition) -> str:
    return _absolute_links(expand_db_html(edition.editorial)) if edition.editorial else ""


PREHEADER_CHARS = 140


def preheader(edition) -> str:
    """The line inboxes show after the subject: the edition's own, else the start of its editorial."""
    if edition.preheader.strip():
        return " ".join(edition.preheader.split())
    intro = " ".join(html.unescape(strip_tags(edition.editorial or "")).split())
    if intro:
        return Truncator(intro).chars(PREHEADER_CHARS)
    return str(_("Il quadro normativo, le buone pratiche delle Zone, seminari, laboratori e dati del bimestre."))


def logo_url() -> str:
    """The portal's mark as a PNG (mail clients do not show SVG), at an absolute URL."""
    return conf.absolute_url(static("newsletter/mail-logo.png"))


def web_version_url(edition) -> str:
    return conf.absolute_url(reverse("newsletter:archive_detail", kwargs={"number": edition.number}))


def render_edition(edition, preferences: Preferences | None = None, items: list[Item] | None = None,
                   link_urls: dict[str, str] | None = None) -> Rendered:
    """The edition for one segment (None or 'everything': the full edition).

    ``link_urls``: the address each item URL is reached through in the mail (the counting
    redirect of ``newsletter.reporting``); previews and proofs link the pages directly.
    """
    items = edition_items(edition) if items is None else items
    if link_urls:
        items = [dataclasses.replace(item, url=link_urls.get(item.url, item.url)) for item in items]
    blocks = sections(items, preferences)
    count = sum(len(b.items) for b in blocks)
    is_partial = count < len(items)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "edition": edition,
            "sections": blocks,
            "kind_labels": kind_labels(),
            "editorial": editorial_html(edition),
            "is_partial": is_partial,
            "web_url": web_version_url(edition),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "site_url": conf.public_base_url() + "/",
            "archive_url": conf.absolute_url(reverse("newsletter:archive")),
            "preferences_url": PREFERENCES_PLACEHOLDER,
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
            "preheader": preheader(edition),
            "logo_url": logo_url(),
            "sender_identity": conf.sender_identity(),
            "privacy_url": conf.privacy_url(),
        }
        source = render_to_string("newsletter/mail/edition.mjml", context)
        text = render_to_string("newsletter/mail/edition.txt", context)
    subject = f"Newsletter {edition.title}"
    return Rendered(subject=subject, html=mjml_to_html(source), text=text, items_count=count, is_partial=is_partial)


def personalise(rendered_html: str, rendered_text: str, preferences_url: str, unsubscribe_url: str) -> tuple[str, str]:
    """Fill a subscriber's own links into a segment render."""
    html_out = rendered_html.replace(PREFERENCES_PLACEHOLDER, html.escape(preferences_url)).replace(
        UNSUBSCRIBE_PLACEHOLDER, html.escape(unsubscribe_url)
    )
    text_out = rendered_text.replace(PREFERENCES_PLACEHOLDER, preferences_url).replace(
        UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url
    )
    return html_out, text_out


def generic_links() -> tuple[str, str]:
    """Links for copies not addressed to a subscriber (previews, test sends): the public page."""
    landing = conf.absolute_url(reverse("newsletter:landing"))
    return landing, landing
