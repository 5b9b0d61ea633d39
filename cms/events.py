"""When an event happens: the one answer every listing, card, calendar and badge asks.

A seminar happens once (start-end); a workshop happens at each of its sessions. "Next" is the
first occurrence that has not ended yet (one under way still counts: its room is still open), so a
workshop whose first session is past is shown by the session still to come, not by its first one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

# An occurrence without an end is taken to last this long (as the iCalendar export does).
DEFAULT_LENGTH = timedelta(hours=2)


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    end: datetime | None
    place: str
    page: object

    @property
    def ends(self) -> datetime:
        return self.end or self.start + DEFAULT_LENGTH


def occurrences(page) -> list[Occurrence]:
    """Every occurrence of an event page, in time order ([] for a page that is not an event).
    Each page type says when it happens (``event_occurrences``: a seminar once, a workshop at
    each session); every other page type happens never."""
    declared = getattr(page, "event_occurrences", None)
    return sorted(declared(), key=lambda o: o.start) if declared else []


def next_occurrence(page, now: datetime | None = None) -> datetime | None:
    """The start of the event's next occurrence not yet ended; None when all are past."""
    now = now or timezone.now()
    for occurrence in occurrences(page):
        if occurrence.ends >= now:
            return timezone.localtime(occurrence.start)
    return None


def display_date(page, now: datetime | None = None) -> datetime | None:
    """The date a listing shows for an event: its next occurrence, else its last one (a finished
    workshop is dated by where it ended); None for a page that is not an event."""
    coming = next_occurrence(page, now)
    if coming is not None:
        return coming
    found = occurrences(page)
    return timezone.localtime(found[-1].start) if found else None


def soonest_first(pages, now: datetime | None = None) -> list:
    """Event pages ordered by their next occurrence (pages with none last)."""
    now = now or timezone.now()
    far = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    return sorted(pages, key=lambda p: (next_occurrence(p, now) or far, p.pk))
