"""Content and subscribers for the newsletter tests, built through the real models."""
from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

_counter = itertools.count(1)


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def zona(name: str):
    from cms.models import Zona
    from django.utils.text import slugify

    return Zona.objects.get_or_create(slug=slugify(name), defaults={"name": name, "azienda_usl": "centro"})[0]


def topic(name: str):
    from cms.models import Topic
    from django.utils.text import slugify

    return Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def home():
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).root_page.specific


def index(model, slug: str):
    parent = home()
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(title=slug.replace("-", " ").title(), slug=slug)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def publish(parent, page, *, published: datetime.datetime, tags=("newsletter",), live=True, m2m=None):
    """Add ``page`` under ``parent`` and publish it, dated ``published`` (first and last publication)."""
    from wagtail.models import Page

    for tag in tags:
        page.tags.add(tag)
    for name, values in (m2m or {}).items():
        getattr(page, name).set(values)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
        Page.objects.filter(pk=page.pk).update(first_published_at=published, last_published_at=published)
    else:
        page.live = False
        page.save()
    page.refresh_from_db()
    return page


def norm(title, published, **kw):
    from cms.models import NormIndexPage, NormPage

    n = next(_counter)
    page = NormPage(
        title=title, slug=f"norma-{n}", summary=f"Sommario di {title}.", kind="DGR", number=str(100 + n),
        date=published.date(), issuing_body="Giunta regionale Toscana",
    )
    return publish(index(NormIndexPage, "normativa"), page, published=published, **kw)


def practice(title, published, zona_obj, **kw):
    from cms.models import PracticeIndexPage, PracticePage

    page = PracticePage(
        title=title, slug=f"pratica-{next(_counter)}", summary=f"Sommario di {title}.", zona=zona_obj,
        owner_body="Società della Salute", partner_kinds=[], funding_sources=[], criteria_met=[],
        evaluation_level="emergente",
    )
    return publish(index(PracticeIndexPage, "buone-pratiche"), page, published=published, **kw)


def seminar(title, published, start, **kw):
    from cms.models import SeminarIndexPage, SeminarPage

    page = SeminarPage(title=title, slug=f"seminario-{next(_counter)}", summary=f"Sommario di {title}.", start=start)
    return publish(index(SeminarIndexPage, "seminari"), page, published=published, **kw)


def data(title, published, **kw):
    from cms.models import DataIndexPage, DataPage

    page = DataPage(
        title=title, slug=f"dato-{next(_counter)}", summary=f"Sommario di {title}.", indicator="Beneficiari",
        value=Decimal("1234"), period_label="2026", source="Regione Toscana",
    )
    return publish(index(DataIndexPage, "dati"), page, published=published, **kw)


def news(title, published, zones=(), **kw):
    from cms.models import NewsIndexPage, NewsPage

    page = NewsPage(title=title, slug=f"notizia-{next(_counter)}", summary=f"Sommario di {title}.", date=published.date())
    m2m = {**({"zones": list(zones)} if zones else {}), **kw.pop("m2m", {})}
    return publish(index(NewsIndexPage, "notizie"), page, published=published, m2m=m2m, **kw)


def subscriber(email: str, *, name: str = "", zones=(), topics=(), status="active"):
    from newsletter.models import Subscriber

    sub = Subscriber.objects.create(
        email=email, name=name, status=status, confirmed_at=timezone.now() if status == "active" else None
    )
    if zones:
        sub.zones.set(zones)
    if topics:
        sub.topics.set(topics)
    return sub


def sendable_edition(items=(), *, number=None, window=(datetime.date(2027, 1, 1), datetime.date(2027, 2, 28))):
    """An approved edition holding the given pages (section from the page type)."""
    from newsletter.editions import section_of_kind
    from newsletter.models import Edition, EditionItem, edition_title

    from django.db.models import Max

    number = number or (Edition.objects.aggregate(m=Max("number"))["m"] or 0) + 1
    edition = Edition.objects.create(
        number=number, window_start=window[0], window_end=window[1],
        title=edition_title(number, *window), status=Edition.Status.APPROVED,
    )
    for order, page in enumerate(items, start=1):
        EditionItem.objects.create(
            edition=edition, page=page, sort_order=order, section=section_of_kind(page.specific.content_kind)
        )
    return edition
