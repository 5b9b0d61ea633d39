"""The month calendar of the events ("Calendario degli appuntamenti"): seminars and every workshop
session of a month, as an HTML page that needs no JavaScript (a table of the weeks whose days link to
the list of the day's events, then that list). Dates come from cms.events, like every other listing."""
import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.events import Occurrence, occurrences
from cms.models import SeminarPage, WorkshopPage, WorkshopSession
from cms.models.listing import public_pages

FIRST_YEAR, LAST_YEAR = 2000, 2100  # outside: 404, not a calendar of year 99999


@dataclass
class Day:
    day: date
    in_month: bool
    events: list = field(default_factory=list)


def month_occurrences(year: int, month: int) -> list[Occurrence]:
    """The public events' occurrences starting in the month (Europe/Rome), in time order."""
    tz = timezone.get_current_timezone()
    first = datetime.combine(date(year, month, 1), time.min, tzinfo=tz)
    after = datetime.combine(_shift(date(year, month, 1), 1), time.min, tzinfo=tz)
    found = []
    for seminar in public_pages(SeminarPage).filter(start__gte=first, start__lt=after):
        found += occurrences(seminar)
    sessions = WorkshopSession.objects.filter(start__gte=first, start__lt=after)
    for workshop in public_pages(WorkshopPage).filter(pk__in=sessions.values("page_id")):
        found += [o for o in occurrences(workshop) if first <= o.start < after]
    return sorted(found, key=lambda o: (o.start, o.page.title))


def _shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_url(day: date) -> str:
    return reverse("cms:event_calendar_month", args=[day.year, day.month])


def this_month(request):
    return redirect(month_url(timezone.localdate()))


def month(request, year: int, month: int):
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404(_("Mese non valido."))
    first = date(year, month, 1)
    events = month_occurrences(year, month)
    by_day: dict[date, list] = {}
    for occurrence in events:
        by_day.setdefault(timezone.localtime(occurrence.start).date(), []).append(occurrence)
    weeks = [[Day(d, d.month == month, by_day.get(d, [])) for d in week]
             for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
    previous, following = _shift(first, -1), _shift(first, 1)
    return render(request, "cms/event_calendar.html", {
        "month": first, "weeks": weeks, "days": sorted(by_day.items()),
        "previous": previous if previous.year >= FIRST_YEAR else None,
        "following": following if following.year <= LAST_YEAR else None,
        "previous_url": month_url(previous) if previous.year >= FIRST_YEAR else "",
        "following_url": month_url(following) if following.year <= LAST_YEAR else "",
        "weekdays": [date(2024, 1, 1) + timedelta(days=i) for i in range(7)],  # a Monday, then the week
        "crumbs": [(_("Home"), "/"), (_("Calendario degli appuntamenti"), None)],
    })
