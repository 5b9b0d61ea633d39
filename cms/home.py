"""What the home page shows: latest practices, upcoming events, norm changes, key figures, news."""
from django.db.models import Min, Prefetch, Q
from django.utils import timezone

from cms.events import soonest_first
from cms.listing import public_pages
from cms.models import DataPage, NewsPage, NormPage, PracticePage, SeminarPage, WorkshopPage, WorkshopSession


def upcoming_events(limit=3):
    now = timezone.now()
    seminars = list(public_pages(SeminarPage).filter(start__gte=now).order_by("start").prefetch_related("zones", "topics")[:limit])
    coming = WorkshopSession.objects.filter(start__gte=now)
    workshops = list(
        public_pages(WorkshopPage).filter(pk__in=coming.values("page_id"))
        .annotate(next_start=Min("sessions__start", filter=Q(sessions__start__gte=now))).order_by("next_start", "pk")
        .prefetch_related("zones", "topics", Prefetch("sessions", WorkshopSession.objects.order_by("start")))[:limit]
    )
    return seminars, soonest_first(workshops)  # the soonest first, by the same answer the cards show


def home_blocks() -> dict:
    seminars, workshops = upcoming_events()
    return {
        "latest_practices": public_pages(PracticePage).select_related("zona").prefetch_related("topics")
        .order_by("-first_published_at")[:4],
        "upcoming_seminars": seminars,
        "upcoming_workshops": workshops,
        "latest_norms": public_pages(NormPage).prefetch_related("topics").order_by("-last_published_at", "-year")[:5],
        "key_figures": public_pages(DataPage).filter(is_key_figure=True).select_related("zona").order_by("-period_end")[:4],
        "latest_news": public_pages(NewsPage).prefetch_related("topics", "zones").order_by("-date")[:3],
    }
