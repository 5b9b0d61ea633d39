"""The one set of page builders of the tests: the site tree and pages of each type, published unless told otherwise.

Every builder takes the title first (optional: a numbered one is made up) and keywords after it. A page goes
under the first index page of its type (created with the home page when missing) unless ``parent=`` names
another one; fields the keywords below do not name pass through to the model (``period_start=``, ``format=``,
``status=`` ...). ``tree()`` builds the full demo tree of index pages, zones and topics (the cms tests'
``site_tree`` fixture); ``home()`` and ``index_of()`` only what a page needs (recreated after transactional
flushes).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, PageViewRestriction, Site

from cms.demo.builder import add_page
from cms.demo.site import build_tree
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
    WorkshopSession,
    Zona,
)

INDEXES = {
    SeminarIndexPage: "seminari", WorkshopIndexPage: "laboratori", PracticeIndexPage: "buone-pratiche",
    NormIndexPage: "quadro-normativo", DataIndexPage: "dati", NewsIndexPage: "notizie",
}

_seq = count(1)


def tree():
    """{slug: index page} of the demo site's tree (home, index pages, zones, topics), built once."""
    return build_tree()


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


def zona(slug: str = "val-di-nievole", name: str | None = None, azienda: str = AziendaUSL.CENTRO) -> Zona:
    found = Zona.objects.filter(slug=slug).first()
    if found:
        return found
    return Zona.objects.create(slug=slug, name=name or slug.replace("-", " ").title(), azienda_usl=azienda)


def topic(slug: str = "poverta-e-inclusione", name: str | None = None) -> Topic:
    found = Topic.objects.filter(slug=slug).first()
    return found or Topic.objects.create(slug=slug, name=name or slug.replace("-", " ").capitalize())


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _rich(body):
    """Rich text of ``body``: plain text becomes one paragraph, markup stays as given."""
    if not body or body.lstrip().startswith("<"):
        return body
    return f"<p>{body}</p>"


def _add(page, *, parent=None, publish=True, m2m=None, children=None, tags=()):
    """Under ``parent`` or the index of its type, with a unique slug, as the demo content adds pages."""
    page.slug = page.slug or f"{slugify(page.title)[:40]}-{uuid.uuid4().hex[:6]}"
    add_page(parent or index_of(type(page)), page, m2m=m2m, children=children, tags=tags, publish=publish)
    if publish:
        page.refresh_from_db()
    return page


def practice(title=None, summary="", *, parent=None, zona_obj=None, body="", level="emergente", topics=(), norms=(),
             tags=(), publish=True, **fields):
    title = title or f"Pratica {next(_seq)}"
    norms = [*norms, *fields.pop("related_norms", ())]
    fields.setdefault("evaluation_level", level)
    fields.setdefault("owner_body", "Società della Salute")
    fields.setdefault("activities", _rich(body))
    page = PracticePage(
        title=title, summary=summary or title, zona=zona_obj or zona("val-di-nievole", "Val di Nievole"),
        **fields,
    )
    return _add(page, parent=parent, publish=publish, tags=tags,
                m2m={"topics": list(topics), "related_norms": norms})


def norm(title=None, number=None, day=None, summary="", *, parent=None, kind="DGR", body="", topics=(), publish=True,
         **fields):
    number = number if number is not None else str(5000 + next(_seq))
    title = title or f"Atto {number}"
    day = fields.pop("date") if "date" in fields else (day or date(2023, 5, 15))
    fields.setdefault("issuing_body", "Giunta regionale Toscana")
    page = NormPage(title=title, summary=summary or title, kind=kind, number=number, date=day, body=_rich(body), **fields)
    return _add(page, parent=parent, publish=publish, m2m={"topics": list(topics)})


def seminar(title=None, summary="", *, parent=None, start=None, zones=(), body="", topics=(), norms=(), tags=(),
            speakers=None, publish=True, **fields):
    title = title or f"Seminario {next(_seq)}"
    norms = [*norms, *fields.pop("related_norms", ())]
    page = SeminarPage(
        title=title, summary=summary or title, start=start or aware(date.today() - timedelta(days=30)),
        body=_rich(body), **fields,
    )
    children = {"speakers": speakers} if speakers is not None else {}
    return _add(page, parent=parent, publish=publish, tags=tags, children=children,
                m2m={"zones": list(zones), "topics": list(topics), "related_norms": norms})


def news(title=None, summary="", *, parent=None, day=None, zones=(), body="", topics=(), norms=(), tags=(),
         publish=True, **fields):
    title = title or f"Notizia {next(_seq)}"
    norms = [*norms, *fields.pop("related_norms", ())]
    day = fields.pop("date", None) or day or date.today()
    page = NewsPage(title=title, summary=summary or title, date=day, **fields)
    if body:  # plain text: one paragraph; a list of (block, value): the stream as given
        page.body = [("paragraph", _rich(body))] if isinstance(body, str) else body
    return _add(page, parent=parent, publish=publish, tags=tags,
                m2m={"zones": list(zones), "topics": list(topics), "related_norms": norms})


def data(title=None, summary="", *, parent=None, zona_obj=None, value="10", period_end=None, topics=(), publish=True,
         **fields):
    title = title or f"Dato {next(_seq)}"
    zona_obj = fields.pop("zona", zona_obj)
    fields.setdefault("indicator", title)
    fields.setdefault("period_label", "2024")
    fields.setdefault("source", "Regione Toscana")
    page = DataPage(
        title=title, summary=summary or title, value=Decimal(value), period_end=period_end or date(2024, 12, 31),
        zona=zona_obj, **fields,
    )
    return _add(page, parent=parent, publish=publish, m2m={"topics": list(topics)})


def workshop(title=None, summary="", *, parent=None, theme="Lavoro di rete", zones=(), body="", topics=(), norms=(),
             sessions=(), publish=True, **fields):
    """``sessions``: the start times of its sessions (two hours each, in Firenze)."""
    title = title or f"Laboratorio {next(_seq)}"
    norms = [*norms, *fields.pop("related_norms", ())]
    page = WorkshopPage(title=title, summary=summary or title, theme=theme, body=_rich(body), **fields)
    children = {"sessions": [WorkshopSession(start=s, end=s + timedelta(hours=2), place="Firenze") for s in sessions]}
    return _add(page, parent=parent, publish=publish, children=children if sessions else None,
                m2m={"zones": list(zones), "topics": list(topics), "related_norms": norms})


def in_days(days: float) -> datetime:
    """Now plus ``days`` (negative: in the past), for the start of an event."""
    return timezone.now() + timedelta(days=days)


def restrict(page, kind=PageViewRestriction.LOGIN, password=""):
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password=password)


def unpublish(page):
    page.unpublish()
    return page
