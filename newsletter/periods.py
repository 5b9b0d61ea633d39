"""The calendar of the bimonthly newsletter: which two months an edition covers.

Periods are fixed pairs of months starting in January, March, May, July, September and
November (beat runs on day 1 of the month after each pair). An edition always covers the
period right after the previous edition's, so periods never overlap whoever creates them
(beat, an editor in the admin, the task run by hand) and whenever.
"""
from __future__ import annotations

import datetime

MONTHS_PER_PERIOD = 2
ONE_DAY = datetime.timedelta(days=1)


def _month_end(day: datetime.date) -> datetime.date:
    following = day.replace(day=28) + datetime.timedelta(days=4)
    return following - datetime.timedelta(days=following.day)


def period_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar period holding ``day`` (6 December 2026: 1 November - 31 December 2026)."""
    first_month = day.month - (day.month - 1) % MONTHS_PER_PERIOD
    start = day.replace(month=first_month, day=1)
    return start, _month_end(start.replace(month=first_month + MONTHS_PER_PERIOD - 1))


def last_ended_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The latest period wholly before ``today`` (on 1 March: January/February)."""
    return period_of(period_of(today)[0] - ONE_DAY)


def following_period(previous_end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period after an edition ending on ``previous_end``: from the next day to the end of its
    calendar period (an edition of an older, misaligned window is followed by a shorter one)."""
    start = previous_end + ONE_DAY
    return start, period_of(start)[1]


def next_period(today: datetime.date, previous_end: datetime.date | None, *, ended_only: bool):
    """The period of the next edition, or None if it cannot be made yet.

    After the previous edition's period, but never older than the last ended period (a
    newsletter that stopped for a year starts again from the current one). ``ended_only``
    (beat, the task): only a period that has ended; otherwise (an editor) one that has begun.
    """
    start, end = last_ended_period(today)
    if previous_end is not None and previous_end >= start:
        start, end = following_period(previous_end)
    if ended_only and end >= today:
        return None
    if start > today:
        return None
    return start, end
