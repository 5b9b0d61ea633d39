"""Structured data (JSON-LD, schema.org) for the detail pages."""
import json

from django.conf import settings
from django.utils import timezone
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


def _publisher():
    return {"@type": "Organization", "name": settings.WAGTAIL_SITE_NAME, "url": public_urls.absolute_url("/")}


def _article(page, request, date):
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title[:110],
        "description": page.summary,
        "url": absolute(page, request),
        "inLanguage": "it",
        "publisher": _publisher(),
        "about": [t.name for t in page.topics.all()],
        "keywords": ", ".join(public_tag_names(page.tag_names())),
    }
    if date:
        data["datePublished"] = date.isoformat()
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    return data


def jsonld_for(page, request=None) -> dict | None:
    """The schema.org description of a content page: Event, Article or Legislation."""
    kind = getattr(page, "content_kind", "")
    if kind == "seminar":
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": page.title,
            "description": page.summary,
            "url": absolute(page, request),
            "startDate": timezone.localtime(page.start).isoformat(),
            "eventAttendanceMode": ATTENDANCE.get(page.format, ATTENDANCE["online"]),
            "eventStatus": "https://schema.org/EventScheduled",
            "organizer": _publisher(),
            "inLanguage": "it",
        }
        if page.end:
            data["endDate"] = timezone.localtime(page.end).isoformat()
        locations = []
        if page.place:
            locations.append({"@type": "Place", "name": page.place, "address": page.place})
        if page.online_link:
            locations.append({"@type": "VirtualLocation", "url": page.online_link})
        if locations:
            data["location"] = locations if len(locations) > 1 else locations[0]
        performers = [{"@type": "PerformingGroup", "name": s.name} for s in page.speakers.all()]
        if performers:
            data["performer"] = performers
        return data
    if kind == "workshop":
        from cms.events import display_date

        when = display_date(page)
        data = {
            "@context": "https://schema.org", "@type": "Event", "name": page.title, "description": page.summary,
            "url": absolute(page, request), "organizer": _publisher(), "inLanguage": "it",
        }
        if when:
            data["startDate"] = when.isoformat()
        return data
    if kind == "norm":
        data = {
            "@context": "https://schema.org",
            "@type": "Legislation",
            "name": page.title,
            "alternateName": page.label,
            "description": page.summary,
            "url": absolute(page, request),
            "identifier": page.urn,
            "legislationIdentifier": page.urn,
            "legislationType": page.get_kind_display(),
            "legislationPassedBy": {"@type": "Organization", "name": page.issuing_body},
            "legislationLegalForce": {
                "vigente": "https://schema.org/InForce",
                "modificata": "https://schema.org/PartiallyInForce",
                "abrogata": "https://schema.org/NotInForce",
            }[page.status],
            "inLanguage": "it",
        }
        if page.date:
            data["legislationDate"] = page.date.isoformat()
        if page.official_link():
            data["sameAs"] = page.official_link()
        return data
    if kind == "practice":
        data = _article(page, request, page.main_date())
        # where it is realized: its zona and the others it covers, or the whole region
        places = ["Toscana"] if page.covers_whole_region else [z.name for z in [page.zona, *page.involved_zones()] if z]
        if places:
            data["spatialCoverage"] = [{"@type": "AdministrativeArea", "name": name} for name in places]
        return data
    if kind == "news":
        return _article(page, request, page.main_date())
    if kind == "data":
        return {
            "@context": "https://schema.org", "@type": "Observation", "name": page.title,
            "description": page.summary, "url": absolute(page, request),
            "value": float(page.value), "unitText": page.unit, "observationDate": page.period_label,
        }
    return None


def render_jsonld(data) -> str:
    """A <script type="application/ld+json"> block (data, not code), safe inside HTML."""
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
