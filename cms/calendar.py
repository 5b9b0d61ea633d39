"""iCalendar (RFC 5545) for seminars and workshop sessions, built with the icalendar package."""
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from icalendar import Calendar, Event

from cms.listing import public_pages
from cms.models import SeminarPage, WorkshopPage, WorkshopSession

DOMAIN = "cdp-inclusione.toscana"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Comunita di Pratica inclusione sociale Toscana//portale//IT")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def _seminar_event(seminar, request) -> Event:
    event = Event()
    event.add("uid", f"seminario-{seminar.pk}@{DOMAIN}")
    event.add("summary", seminar.title)
    event.add("dtstart", seminar.start)
    event.add("dtend", seminar.end or seminar.start + timedelta(hours=2))
    event.add("dtstamp", seminar.last_published_at or timezone.now())
    event.add("description", seminar.summary)
    location = seminar.place or (seminar.online_link if seminar.format != "in_presenza" else "")
    if location:
        event.add("location", location)
    event.add("url", seminar.get_full_url(request))
    event.add("categories", [t.name for t in seminar.topics.all()] or ["Seminario"])
    return event


def _session_event(session, workshop, request) -> Event:
    event = Event()
    event.add("uid", f"laboratorio-{workshop.pk}-sessione-{session.pk}@{DOMAIN}")
    event.add("summary", f"{workshop.title} (laboratorio)")
    event.add("dtstart", session.start)
    event.add("dtend", session.end or session.start + timedelta(hours=2))
    event.add("dtstamp", workshop.last_published_at or timezone.now())
    event.add("description", workshop.summary)
    if session.place:
        event.add("location", session.place)
    event.add("url", workshop.get_full_url(request))
    return event


def _response(cal: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def seminar_ics(request, pk):
    seminar = get_object_or_404(public_pages(SeminarPage).prefetch_related("topics"), pk=pk)
    cal = _calendar(seminar.title)
    cal.add_component(_seminar_event(seminar, request))
    return _response(cal, f"seminario-{seminar.pk}.ics")


def upcoming_ics(request):
    """Upcoming seminars and workshop sessions of public, live pages."""
    now = timezone.now()
    cal = _calendar("Comunità di Pratica: appuntamenti")
    for seminar in public_pages(SeminarPage).filter(start__gte=now - timedelta(hours=12)).prefetch_related("topics").order_by("start"):
        cal.add_component(_seminar_event(seminar, request))
    workshops = {w.pk: w for w in public_pages(WorkshopPage)}
    sessions = WorkshopSession.objects.filter(page_id__in=list(workshops), start__gte=now - timedelta(hours=12)).order_by("start")
    for session in sessions:
        cal.add_component(_session_event(session, workshops[session.page_id], request))
    return _response(cal, "appuntamenti.ics")

