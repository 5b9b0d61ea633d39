"""The copy of an edition kept as sent, and the one answer to "what did this edition contain?".

A sent edition is a record: the public archive and its RSS must show what subscribers
received, not today's state of the pages it pointed to (an unpublished or retitled page
must not change a past edition). Each segment's render (``SegmentRender``) therefore keeps
its items as plain values when it is first rendered for sending, and its date and counts
when the send completes. The general segment is always rendered, even when every subscriber
chose a zona or topic, because it is the public copy.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Q

from newsletter.editions import Item, Preferences, edition_items, segment_items

GENERAL_KEY = Preferences().key


def _date_value(value) -> str | None:
    return value.isoformat() if value else None


def _date_of(value: str | None):
    if not value:
        return None
    if "T" in value:
        return datetime.datetime.fromisoformat(value)
    return datetime.date.fromisoformat(value)


def item_records(items: list[Item]) -> list[dict]:
    """Items as JSON values, everything the archive and the feed show of them."""
    return [
        {
            "section": item.section, "title": item.title, "summary": item.summary, "url": item.url,
            "kind": item.kind, "date": _date_value(item.date), "upcoming": item.upcoming,
            "zone_names": list(item.zone_names),
        }
        for item in items
    ]


def items_of_records(records: list[dict]) -> list[Item]:
    return [
        Item(
            section=r["section"], title=r["title"], summary=r.get("summary", ""), url=r["url"],
            kind=r.get("kind", ""), date=_date_of(r.get("date")), upcoming=bool(r.get("upcoming")),
            zone_names=list(r.get("zone_names", [])),
        )
        for r in records
    ]


def segment_records(items: list[Item], preferences: Preferences) -> list[dict]:
    """What one segment receives, to be stored with its render."""
    return item_records(segment_items(items, preferences))


def public_copy(edition):
    """The general segment's stored copy, when the edition has one with its items."""
    from newsletter.models import SegmentRender

    return SegmentRender.objects.filter(edition=edition, key=GENERAL_KEY, items__isnull=False).first()


def public_items(edition) -> list[Item]:
    """The items the public archive and feed show: as sent, or the live pages for an edition never sent."""
    copy = public_copy(edition)
    if copy is not None:
        return items_of_records(copy.items)
    return edition_items(edition)


def record_completion(edition) -> None:
    """Stamp each segment's copy with the date the edition was sent and its recipients."""
    from newsletter.models import Delivery, SegmentRender

    counts = (
        Delivery.objects.filter(edition=edition).values("segment_key")
        .annotate(total=Count("pk"), sent=Count("pk", filter=Q(status=Delivery.Status.SENT)))
    )
    by_key = {row["segment_key"]: row for row in counts}
    for copy in SegmentRender.objects.filter(edition=edition).only("pk", "key"):
        row = by_key.get(copy.key, {"total": 0, "sent": 0})
        SegmentRender.objects.filter(pk=copy.pk).update(
            sent_at=edition.sent_at, recipients_count=row["total"], sent_count=row["sent"]
        )
