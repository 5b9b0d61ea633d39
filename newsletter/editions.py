"""Building an edition from tagged content, and reading its items back as plain section data.

The content app owns the pages; we select live, public pages tagged
``cms.NEWSLETTER_TAG`` and read them only through ``search_payload()``. Which section holds a
page type, its label and when it enters an edition are declared by the page type itself
(``newsletter`` on each ContentPage, cms.models.declarations): a new page type needs no table here.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from newsletter import conf
from newsletter.content import page_is_mailable
from newsletter.periods import last_ended_period, next_period
from newsletter.models import SECTION_ORDER, Edition, EditionItem, Section, edition_title

# Upcoming seminars and workshops are announced when they fall within this many days after the window.
UPCOMING_HORIZON_DAYS = 62


def section_of_kind(kind: str) -> Section:
    """The section that holds items of a content type (a payload's content_type), as its page type
    declares it; Notizie for a type the content app does not know (any more)."""
    from cms.models import model_for_content_type

    try:
        return Section(model_for_content_type(kind).newsletter.section)
    except LookupError:
        return Section.NOTIZIE


def kind_labels() -> dict[str, str]:
    """The label of each content type above its items in the mail and the archive ("Norma")."""
    from cms.models import INDEXED_PAGE_MODELS

    return {model.content_kind: model.newsletter.label for model in INDEXED_PAGE_MODELS}


def previous_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last whole period before ``today`` (run on 1 March: January and February)."""
    return last_ended_period(today)


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    lower = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    upper = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return lower, upper


def candidate_pages(start: datetime.date, end: datetime.date) -> list:
    """Live, public pages tagged for the newsletter that belong to the window, with their payloads.

    A page belongs if it was first published in the window (a type that is news when changed,
    the norms, also if republished); an event (seminars, workshops) also if it takes place in the
    window or in the two months after it (materials of past ones, dates of upcoming ones).
    """
    from cms import NEWSLETTER_TAG
    from cms.models import INDEXED_PAGE_MODELS
    from cms.visibility import visible

    lower, upper = _bounds(start, end)
    horizon = end + datetime.timedelta(days=UPCOMING_HORIZON_DAYS)
    first_published = Q(first_published_at__gte=lower, first_published_at__lt=upper)
    republished = Q(last_published_at__gte=lower, last_published_at__lt=upper)
    found = []
    for model in INDEXED_PAGE_MODELS:
        declared = model.newsletter
        tagged = visible(model.objects.live()).filter(tags__name__iexact=NEWSLETTER_TAG).distinct()
        if declared.news_when_changed:
            tagged = tagged.filter(first_published | republished)
        elif not declared.announced_as_event:
            tagged = tagged.filter(first_published)
        for page in tagged:
            payload = page.search_payload()
            if declared.announced_as_event and not _event_in_window(page, payload, lower, upper, start, horizon):
                continue
            found.append((page, payload))
    return found


def _event_in_window(page, payload, lower, upper, start, horizon) -> bool:
    published = bool(page.first_published_at and lower <= page.first_published_at < upper)
    date = payload.get("date")
    return published or bool(date and start <= date <= horizon)


def _sort_key(entry):
    page, payload = entry
    section = section_of_kind(payload["content_type"])
    date = payload.get("date") or datetime.date.min
    if section == Section.SEMINARI:  # past materials first, then upcoming dates in calendar order
        return (SECTION_ORDER.index(section), bool(payload.get("upcoming")), date.toordinal(), page.pk)
    return (SECTION_ORDER.index(section), 0, -date.toordinal(), page.pk)


def _add_items(edition: Edition, entries) -> int:
    present = set(edition.items.values_list("page_id", flat=True))
    next_order = (edition.items.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    added = 0
    for page, payload in sorted(entries, key=_sort_key):
        if page.pk in present:
            continue
        EditionItem.objects.create(
            edition=edition, page=page, sort_order=next_order,
            section=section_of_kind(payload["content_type"]),
        )
        present.add(page.pk)
        next_order += 1
        added += 1
    return added


def build_edition(window_start: datetime.date, window_end: datetime.date) -> tuple[Edition, bool]:
    """The draft for a window: created with its items the first time, returned as it is afterwards."""
    existing = Edition.objects.filter(window_start=window_start, window_end=window_end).first()
    if existing:
        return existing, False
    entries = candidate_pages(window_start, window_end)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                number = (Edition.objects.aggregate(m=Max("number"))["m"] or 0) + 1
                edition = Edition.objects.create(
                    number=number, window_start=window_start, window_end=window_end,
                    title=edition_title(number, window_start, window_end),
                )
                _add_items(edition, entries)
                return edition, True
        except IntegrityError:
            existing = Edition.objects.filter(window_start=window_start, window_end=window_end).first()
            if existing:  # built concurrently by someone else
                return existing, False
    raise RuntimeError("could not allocate an edition number")


def create_next_edition(today: datetime.date, *, ended_only: bool = False) -> tuple[Edition | None, bool]:
    """The next edition with the content of its period: what beat, the task and the admin all call.

    Returns (edition, created). When no new period is due yet, the latest edition (or None) and
    False. ``ended_only``: beat waits for the period to end; an editor may start it once begun.
    """
    latest = Edition.objects.order_by("-window_end", "-number").first()
    period = next_period(today, latest.window_end if latest else None, ended_only=ended_only)
    if period is None:
        return latest, False
    return build_edition(*period)


def refresh_edition(edition: Edition) -> int:
    """Add the window's tagged pages the draft does not hold yet (a page an editor removed comes back)."""
    if not edition.is_editable:
        return 0
    with transaction.atomic():
        return _add_items(edition, candidate_pages(edition.window_start, edition.window_end))


# --- reading an edition back ------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    """What a subscriber asked for; empty sets mean everything."""

    zone_ids: frozenset = frozenset()
    topic_ids: frozenset = frozenset()

    @property
    def is_everything(self) -> bool:
        return not self.zone_ids and not self.topic_ids

    @property
    def key(self) -> str:
        if self.is_everything:
            return "all"
        zones = ".".join(str(i) for i in sorted(self.zone_ids))
        topics = ".".join(str(i) for i in sorted(self.topic_ids))
        raw = f"z{zones}-t{topics}"
        if len(raw) <= 64:
            return raw
        import hashlib

        return "h" + hashlib.sha256(raw.encode()).hexdigest()[:63]

    @classmethod
    def of(cls, subscriber) -> "Preferences":
        """From a subscriber with ``zones`` and ``topics`` prefetched (or not)."""
        return cls(
            frozenset(z.pk for z in subscriber.zones.all()), frozenset(t.pk for t in subscriber.topics.all())
        )


@dataclass
class Item:
    section: str
    title: str
    summary: str
    url: str
    kind: str
    date: datetime.date | None
    upcoming: bool
    zone_names: list[str] = field(default_factory=list)
    zone_ids: frozenset = frozenset()
    topic_ids: frozenset = frozenset()

    def matches(self, preferences: Preferences) -> bool:
        zones_ok = not preferences.zone_ids or not self.zone_ids or bool(self.zone_ids & preferences.zone_ids)
        topics_ok = not preferences.topic_ids or not self.topic_ids or bool(self.topic_ids & preferences.topic_ids)
        return zones_ok and topics_ok


@dataclass
class SectionBlock:
    key: str
    label: str
    items: list[Item]


def page_url(page) -> str:
    """Absolute public URL of a page, from PUBLIC_BASE_URL rather than the site record."""
    from portal import public_urls

    return public_urls.page_url(page)


def edition_items(edition: Edition) -> list[Item]:
    """The edition's items in order, skipping pages that stopped being live or public since."""
    items = []
    for entry in edition.items.select_related("page").order_by("sort_order", "pk"):
        page = entry.page.specific
        if not page_is_mailable(page) or not hasattr(page, "search_payload"):
            continue
        payload = page.search_payload()
        items.append(Item(
            section=entry.section,
            title=entry.title_override or payload["title"],
            summary=entry.summary_override or payload.get("summary") or "",
            url=page_url(page),
            kind=payload.get("content_type", ""),
            date=payload.get("date"),
            upcoming=bool(payload.get("upcoming")),
            zone_names=[z["name"] for z in payload.get("zones", [])],
            zone_ids=frozenset(z["id"] for z in payload.get("zones", [])),
            topic_ids=frozenset(t["id"] for t in payload.get("topics", [])),
        ))
    return items


# What every subscriber receives whatever they chose: the evolving regulatory framework and the
# main data are the newsletter's reason to exist ("quadro evolutivo della normativa ... e dei
# principali dati"); zona and topic choices only select among the rest.
FRAMEWORK_SECTIONS = frozenset({Section.NORMATIVA, Section.DATI})


def segment_items(items: list[Item], preferences: Preferences | None = None) -> list[Item]:
    """The items one segment receives, in the edition's order.

    The framework sections go to everyone; the rest is filtered by the preferences. A segment
    whose choices match nothing of the rest gets the general edition (everything), never an
    edition reduced to what the editorial does not describe.
    """
    if preferences is None or preferences.is_everything:
        return list(items)
    rest = [i for i in items if i.section not in FRAMEWORK_SECTIONS]
    own = [i for i in rest if i.matches(preferences)]
    if rest and not own:
        return list(items)
    kept = {id(i) for i in own}
    return [i for i in items if i.section in FRAMEWORK_SECTIONS or id(i) in kept]


def has_content(edition: Edition) -> bool:
    """Whether the edition has anything to send (items still live and public)."""
    return bool(edition_items(edition))


def sections(items: list[Item], preferences: Preferences | None = None) -> list[SectionBlock]:
    """Items grouped by section (fixed section order), chosen for a segment when given."""
    chosen = segment_items(items, preferences)
    blocks = []
    for key, label in Section.choices:
        in_section = [i for i in chosen if i.section == key]
        if in_section:
            blocks.append(SectionBlock(key=key, label=str(label), items=in_section))
    return blocks
