"""What the zona pages show besides their own listings: counts per zona, upcoming events, latest news,
the regional content that applies to every zona and the practices of other zones that cover it.

Every queryset here starts from ``cms.visibility.visible`` (anonymous visitor): the zona pages are
public and cached like the other public channels, so they list only what anyone may see. The one
exception, ``travelling_practices``, asks for the visitor of the request, as the adoptions shown on
the same page do (adoptions.queries): a member sees the members-only practices there too.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone

from cms.events import next_occurrence
from cms.models import (
    INDEXED_PAGE_MODELS,
    AziendaUSL,
    NewsPage,
    NormPage,
    PracticePage,
    SeminarPage,
    WorkshopPage,
    WorkshopSession,
    Zona,
)
from cms.visibility import visible

UPCOMING_SIZE = 6
NEWS_SIZE = 3
REGIONAL_SIZE = 5


def _live(model):
    return visible(model.objects.live())


def content_counts() -> Counter:
    """zona id -> number of public pages about it (practices, seminars, workshops, news, data)."""
    counts: Counter = Counter()
    for model in INDEXED_PAGE_MODELS:
        field = model.zona_field
        if field is None:
            continue
        rows = (_live(model).filter(**{f"{field}__isnull": False}).order_by()
                .values(field).annotate(n=Count("pk", distinct=True)).values_list(field, "n"))
        for zona_id, n in rows:
            counts[zona_id] += n
    return counts


@dataclass
class ZonaGroup:
    label: str
    slug: str
    zones: list  # [(zona, count)]

    @property
    def total(self) -> int:
        return sum(n for _zona, n in self.zones)


def groups_by_azienda() -> list[ZonaGroup]:
    """The zone grouped by Azienda USL (in the choices' order), each with its count of public content."""
    counts = content_counts()
    zones = list(Zona.objects.order_by("name"))
    return [
        ZonaGroup(str(label), value, [(z, counts[z.pk]) for z in zones if z.azienda_usl == value])
        for value, label in AziendaUSL.choices
    ]


@dataclass
class Event:
    when: datetime
    page: object
    kind: str  # "seminar" | "workshop"


def upcoming_events(zona: Zona | None, limit: int = UPCOMING_SIZE) -> list[Event]:
    """Seminars and workshops of a zona (None: the regional ones, with no zona) still to come, soonest
    first; a workshop is dated by its next session, not its first."""
    now = timezone.now()
    seminars = _live(SeminarPage).filter(start__gte=now)
    coming = WorkshopSession.objects.filter(start__gte=now)
    workshops = _live(WorkshopPage).filter(pk__in=coming.values("page_id"))
    if zona is None:
        seminars, workshops = seminars.filter(zones__isnull=True), workshops.filter(zones__isnull=True)
    else:
        seminars, workshops = seminars.filter(zones=zona), workshops.filter(zones=zona)
    events = [Event(s.start, s, "seminar") for s in seminars.order_by("start", "pk").distinct()[:limit]]
    workshops = (workshops.annotate(next_start=Min("sessions__start", filter=Q(sessions__start__gte=now)))
                 .order_by("next_start", "pk").prefetch_related(Prefetch("sessions", WorkshopSession.objects.order_by("start"))))
    events += [Event(next_occurrence(w, now) or w.next_start, w, "workshop") for w in workshops.distinct()[:limit]]
    return sorted(events, key=lambda e: (e.when, e.page.pk))[:limit]


def latest_news(zona: Zona, limit: int = NEWS_SIZE):
    return list(_live(NewsPage).filter(zones=zona).order_by("-date", "-pk").distinct()[:limit])


@dataclass
class RegionalContent:
    """What applies to every zona: the framework of norms and the regional seminars (no zona of their own)."""

    norms: list
    upcoming: list
    seminars: list

    def __bool__(self):
        return bool(self.norms or self.upcoming or self.seminars)


def regional_content(limit: int = REGIONAL_SIZE) -> RegionalContent:
    norms = list(_live(NormPage).order_by("-year", "-date", "pk")[:limit])
    upcoming = upcoming_events(None, limit)
    past = _live(SeminarPage).filter(zones__isnull=True, start__lt=timezone.now()).order_by("-start", "-pk")
    return RegionalContent(norms, upcoming, list(past[:limit]))


TRAVELLING_SIZE = 12


@dataclass
class TravellingPractices:
    """Practices of other zones that also cover this one: shared with it (``other_zones``) or
    region-wide. Each list holds the latest ``TRAVELLING_SIZE``; the totals say how many there are."""

    shared: list
    regional: list
    shared_total: int
    regional_total: int

    def __bool__(self):
        return bool(self.shared or self.regional)

    @property
    def more(self) -> bool:
        return self.shared_total > len(self.shared) or self.regional_total > len(self.regional)


def travelling_practices(zona: Zona, request=None, limit: int = TRAVELLING_SIZE) -> TravellingPractices:
    """What the zona page lists under "Pratiche che coinvolgono anche questa zona", as this visitor may
    see it (``cms.visibility.visible``: a members-only practice reaches members only). The practices
    realized in the zona itself are its own section, not repeated here."""
    base = (visible(PracticePage.objects.live(), request).exclude(zona=zona).select_related("zona")
            .order_by("-period_start", "-first_published_at", "pk"))
    shared = base.filter(covers_whole_region=False, pk__in=PracticePage.objects.filter(other_zones=zona).values("pk"))
    regional = base.filter(covers_whole_region=True)
    shared_items, regional_items = list(shared[:limit]), list(regional[:limit])
    return TravellingPractices(
        shared_items, regional_items,
        shared.count() if len(shared_items) == limit else len(shared_items),
        regional.count() if len(regional_items) == limit else len(regional_items),
    )
