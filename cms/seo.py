"""Structured data (JSON-LD, schema.org) for the detail pages.

Each page type builds its own description in ``structured_data()``, next to the fields it reads
(an Event for seminars, Legislation for norms ...): adding a page type does not touch this
module. What the page types share lives here: the publisher, the Article shape, absolute URLs and
the safe rendering of the <script> block. This module imports no model, so the models import it.
"""
import json

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cms import public_tag_names
from portal import public_urls

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

ATTENDANCE = {
    "in_presenza": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "misto": "https://schema.org/MixedEventAttendanceMode",
}


def absolute(page, request=None) -> str:
    return public_urls.page_url(page)


def publisher() -> dict:
    """The portal as the Organization that publishes (or organizes) what its pages describe."""
    return {"@type": "Organization", "name": settings.WAGTAIL_SITE_NAME, "url": public_urls.absolute_url("/")}


def described(page, schema_type: str, request=None) -> dict:
    """The start every description shares: its context, type, name, summary and address."""
    return {
        "@context": "https://schema.org", "@type": schema_type, "name": page.title,
        "description": page.summary, "url": absolute(page, request),
    }


def article(page, request, date) -> dict:
    """An Article: the shape of the page types that are texts rather than events or acts."""
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title[:110],
        "description": page.summary,
        "url": absolute(page, request),
        "inLanguage": "it",
        "publisher": publisher(),
        "about": [t.name for t in page.topics.all()],
        "keywords": ", ".join(public_tag_names(page.tag_names())),
    }
    if date:
        data["datePublished"] = date.isoformat()
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    return data


def jsonld_for(page, request=None) -> dict | None:
    """The schema.org description of a page, as its type builds it; None for a page without one."""
    build = getattr(page, "structured_data", None)
    return build(request) if build is not None else None


def render_jsonld(data) -> str:
    """A <script type="application/ld+json"> block (data, not code), safe inside HTML."""
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
