"""Building test content: the site tree (recreated after transactional flushes) and pages of each type."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, PageViewRestriction, Site

from cms.models import (
    AziendaUSL,
    DataIndexPage,
    DataPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    NormIndexPage,
    NormPage,
    PracticeIndexPage,
    PracticePage,
    SeminarIndexPage,
    SeminarPage,
    Topic,
    WorkshopIndexPage,
    WorkshopPage,
    Zona,
)

INDEXES = {
    SeminarIndexPage: "seminari", WorkshopIndexPage: "laboratori", PracticeIndexPage: "buone-pratiche",
    NormIndexPage: "quadro-normativo", DataIndexPage: "dati", NewsIndexPage: "notizie",
}


def home() -> HomePage:
    existing = HomePage.objects.first()
    if existing is not None:
        return existing
    Locale.objects.get_or_create(language_code="it")
    root = Page.objects.filter(depth=1).first() or Page.add_root(instance=Page(title="Root", slug="root"))
    page = root.add_child(instance=HomePage(title="Comunità di Pratica", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": page, "site_name": "CdP"}
    )
    return page


PARENT = {
    SeminarPage: SeminarIndexPage, WorkshopPage: WorkshopIndexPage, PracticePage: PracticeIndexPage,
    NormPage: NormIndexPage, DataPage: DataIndexPage, NewsPage: NewsIndexPage,
}


def index_of(model):
    index_model = PARENT[model]
    found = index_model.objects.first()
    if found is not None:
        return found
    return home().add_child(instance=index_model(title=INDEXES[index_model].title(), slug=INDEXES[index_model]))


def zona(slug: str, name: str | None = None, azienda: str = AziendaUSL.CENTRO) -> Zona:
    found = Zona.objects.filter(slug=slug).first()
    if found:
        return found
    return Zona.objects.create(slug=slug, name=name or slug.replace("-", " ").title(), azienda_usl=azienda)


def topic(slug: str, name: str | None = None) -> Topic:
    found = Topic.objects.filter(slug=slug).first()
    return found or Topic.objects.create(slug=slug, name=name or slug.replace("-", " ").capitalize())


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _add(page, *, publish=True, m2m=None):
    parent = index_of(type(page))
    page.slug = page.slug or f"{slugify(page.title)[:40]}-{uuid.uuid4().hex[:6]}"
    for name, values in (m2m or {}).items():
        getattr(page, name).set(values)
    if not publish:
        page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def practice(title, summary="", *, zona_obj=None, body="", level="emergente", topics=(), norms=(), publish=True, **extra):
    page = PracticePage(
        title=title, summary=summary or title, zona=zona_obj or zona("val-di-nievole", "Val di Nievole"),
        owner_body=extra.pop("owner_body", "Società della Salute"), activities=f"<p>{body}</p>" if body else "",
        evaluation_level=level, **extra,
    )
    return _add(page, publish=publish, m2m={"topics": list(topics), "related_norms": list(norms)})


def norm(title, number, day, summary="", *, kind="DGR", body="", topics=(), publish=True):
    page = NormPage(
        title=title, summary=summary or title, kind=kind, number=number, date=day,
        issuing_body="Giunta regionale Toscana", body=f"<p>{body}</p>" if body else "",
    )
    return _add(page, publish=publish, m2m={"topics": list(topics)})


def seminar(title, summary="", *, start=None, zones=(), body="", topics=(), norms=(), publish=True):
    page = SeminarPage(
        title=title, summary=summary or title, start=start or aware(date.today() - timedelta(days=30)),
        body=f"<p>{body}</p>" if body else "",
    )
    return _add(page, publish=publish, m2m={"zones": list(zones), "topics": list(topics), "related_norms": list(norms)})


def news(title, summary="", *, day=None, zones=(), body="", topics=(), norms=(), publish=True):
    page = NewsPage(title=title, summary=summary or title, date=day or date.today())
    if body:
        page.body = [("paragraph", f"<p>{body}</p>")]
    return _add(page, publish=publish, m2m={"zones": list(zones), "topics": list(topics), "related_norms": list(norms)})


def data(title, summary="", *, zona_obj=None, value="10", period_end=None, publish=True):
    page = DataPage(
        title=title, summary=summary or title, indicator=title, value=Decimal(value), period_label="2024",
        period_end=period_end or date(2024, 12, 31), zona=zona_obj, source="Regione Toscana",
    )
    return _add(page, publish=publish)


def workshop(title, summary="", *, theme="Lavoro di rete", zones=(), body="", publish=True):
    page = WorkshopPage(title=title, summary=summary or title, theme=theme, body=f"<p>{body}</p>" if body else "")
    return _add(page, publish=publish, m2m={"zones": list(zones)})


def restrict(page, kind=PageViewRestriction.LOGIN, password=""):
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password=password)
