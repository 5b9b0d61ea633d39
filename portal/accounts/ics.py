"""The seminar as an iCalendar event (.ics), attached to confirmations."""
from datetime import timedelta

from icalendar import Event, vText

from cms.calendar import local_time, new_calendar, to_ical
from portal import public_urls

DEFAULT_DURATION = timedelta(hours=2)


def seminar_ics(seminar) -> str:
    calendar = new_calendar(method="PUBLISH")
    event = Event()
    event.add("uid", f"seminario-{seminar.pk}@{public_urls.host()}")
    event.add("summary", seminar.title)
    event.add("dtstart", local_time(seminar.start))
    event.add("dtend", local_time(seminar.end or seminar.start + DEFAULT_DURATION))
    event.add("dtstamp", seminar.last_published_at or seminar.start)
    location = seminar.place or seminar.online_link
    if location:
        event["location"] = vText(location)
    url = public_urls.page_url(seminar)
    if url:
        event.add("url", url)
    event.add("description", "\n\n".join(part for part in (seminar.summary, url) if part))
    calendar.add_component(event)
    return to_ical(calendar).decode("utf-8")
