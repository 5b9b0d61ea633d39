"""iCalendar (RFC 5545) for seminars and workshop sessions, built with the icalendar package.

Times are written in the portal's zone (Europe/Rome) with TZID and a VTIMEZONE, so calendar
clients show the local hour the seminar was announced with, across DST changes.
"""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from icalendar import Calendar, Event

from cms.models import SeminarPage, WorkshopPage, WorkshopSession
from cms.models.listing import public_pages
from portal import public_urls

DOMAIN = "cdp-inclusione.toscana"
PRODID = "-//Comunita di Pratica inclusione sociale Toscana//portale//IT"
# VTIMEZONE rules are generated for this span only: enough for the portal's events, and short.
TZ_RULES_FROM = date(2020, 1, 1)
TZ_RULES_YEARS_AHEAD = 10


def local_time(value: datetime) -> datetime:
    """An aware datetime in the portal's zone (written as DTSTART;TZID=Europe/Rome:...)."""
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def new_calendar(name: str | None = None, method: str | None = None) -> Calendar:
    """An empty VCALENDAR with the portal's PRODID; finish it with :func:`to_ical`."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def to_ical(cal: Calendar) -> bytes:
    """Serialise, adding the VTIMEZONE for every TZID the events use."""
    last = date(timezone.now().year + TZ_RULES_YEARS_AHEAD, 1, 1)
    cal.add_missing_timezones(first_date=TZ_RULES_FROM, last_date=last)
    return cal.to_ical()


def _seminar_event(seminar, request) -> Event:
    event = Event()
    event.add("uid", f"seminario-{seminar.pk}@{DOMAIN}")
    event.add("summary", seminar.title)
    event.add("dtstart", local_time(seminar.start))
    event.add("dtend", local_time(seminar.end or seminar.start + timedelta(hours=2)))
    event.add("dtstamp", seminar.last_published_at or timezone.now())
    event.add("description", seminar.summary)
    location = seminar.place or (seminar.online_link if seminar.format != "in_presenza" else "")
    if location:
        event.add("location", location)
    event.add("url", public_urls.page_url(seminar))
    event.add("categories", [t.name for t in seminar.topics.all()] or ["Seminario"])
    return event


def _session_event(session, workshop, request) -> Event:
    event = Event()
    event.add("uid", f"laboratorio-{workshop.pk}-sessione-{session.pk}@{DOMAIN}")
    event.add("summary", f"{workshop.title} (laboratorio)")
    event.add("dtstart", local_time(session.start))
    event.add("dtend", local_time(session.end or session.start + timedelta(hours=2)))
    event.add("dtstamp", workshop.last_published_at or timezone.now())
    event.add("description", workshop.summary)
    if session.place:
        event.add("location", session.place)
    event.add("url", public_urls.page_url(workshop))
    return event


def _response(cal: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(to_ical(cal), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def seminar_ics(request, pk):
    seminar = get_object_or_404(public_pages(SeminarPage).prefetch_related("topics"), pk=pk)
    cal = new_calendar(seminar.title)
    cal.add_component(_seminar_event(seminar, request))
    return _response(cal, f"seminario-{seminar.pk}.ics")


def upcoming_ics(request):
    """Upcoming seminars and workshop sessions of public, live pages."""
    now = timezone.now()
    cal = new_calendar("Comunità di Pratica: appuntamenti")
    for seminar in public_pages(SeminarPage).filter(start__gte=now - timedelta(hours=12)).prefetch_related("topics").order_by("start"):
        cal.add_component(_seminar_event(seminar, request))
    workshops = {w.pk: w for w in public_pages(WorkshopPage)}
    sessions = WorkshopSession.objects.filter(page_id__in=list(workshops), start__gte=now - timedelta(hours=12)).order_by("start")
    for session in sessions:
        cal.add_component(_session_event(session, workshops[session.page_id], request))
    return _response(cal, "appuntamenti.ics")

