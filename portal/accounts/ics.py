"""The seminar as an iCalendar event (.ics), attached to confirmations."""
from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event, vText

DEFAULT_DURATION = timedelta(hours=2)


def seminar_ics(seminar) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Comunita di Pratica Inclusione Toscana//portale//IT")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"seminario-{seminar.pk}@{settings.PUBLIC_BASE_URL.split('://', 1)[-1]}")
    event.add("summary", seminar.title)
    event.add("dtstart", seminar.start)
    event.add("dtend", seminar.end or seminar.start + DEFAULT_DURATION)
    event.add("dtstamp", seminar.last_published_at or seminar.start)
    location = seminar.place or seminar.online_link
    if location:
        event["location"] = vText(location)
    url = seminar.full_url or ""
    if url:
        event.add("url", url)
    event.add("description", "\n\n".join(part for part in (seminar.summary, url) if part))
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
