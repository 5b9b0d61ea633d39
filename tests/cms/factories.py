"""Small builders of cms pages for the tests (published unless told otherwise)."""
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from cms.demo.builder import ensure_page
from cms.demo.site import build_tree
from cms.models import (
    DataPage,
    NewsPage,
    NormPage,
    PracticePage,
    SeminarPage,
    Topic,
    WorkshopPage,
    WorkshopSession,
    Zona,
)

_seq = count(1)


def tree():
    return build_tree()


def zona(slug="val-di-nievole"):
    return Zona.objects.get(slug=slug)


def topic(slug="poverta-e-inclusione"):
    return Topic.objects.get(slug=slug)


def _slug(prefix):
    return f"{prefix}-{next(_seq)}"


def practice(parent, zona_obj=None, publish=True, **fields):
    zona_obj = zona_obj or zona()
    defaults = dict(title=f"Pratica {next(_seq)}", summary="Una pratica di prova per i test.", owner_body="SdS di prova",
                    zona=zona_obj, period_start=date(2023, 6, 1), evaluation_level="emergente")
    defaults.update(fields)
    m2m = {k: defaults.pop(k) for k in ("topics", "related_norms") if k in defaults}
    tags = defaults.pop("tags", ())
    page, _ = ensure_page(parent, PracticePage, _slug("pratica"), m2m=m2m, tags=tags, publish=publish, **defaults)
    return page


def seminar(parent, start=None, publish=True, **fields):
    start = start or timezone.now() + timedelta(days=10)
    defaults = dict(title=f"Seminario {next(_seq)}", summary="Un seminario di prova.", start=start)
    defaults.update(fields)
    m2m = {k: defaults.pop(k) for k in ("topics", "zones", "related_norms") if k in defaults}
    children = {k: defaults.pop(k) for k in ("speakers",) if k in defaults}
    tags = defaults.pop("tags", ())
    page, _ = ensure_page(parent, SeminarPage, _slug("seminario"), m2m=m2m, children=children, tags=tags,
                          publish=publish, **defaults)
    return page


def workshop(parent, sessions=None, publish=True, **fields):
    defaults = dict(title=f"Laboratorio {next(_seq)}", summary="Un laboratorio di prova.", theme="Un tema")
    defaults.update(fields)
    m2m = {k: defaults.pop(k) for k in ("topics", "zones", "related_norms") if k in defaults}
    starts = sessions if sessions is not None else [timezone.now() + timedelta(days=5)]
    children = {"sessions": [WorkshopSession(start=s, end=s + timedelta(hours=2), place="Firenze") for s in starts]}
    page, _ = ensure_page(parent, WorkshopPage, _slug("laboratorio"), m2m=m2m, children=children, publish=publish, **defaults)
    return page


def norm(parent, number=None, publish=True, **fields):
    number = number if number is not None else str(5000 + next(_seq))
    defaults = dict(title=f"Atto {number}", summary="Un atto di prova.", kind="DGR", number=number,
                    date=date(2023, 5, 15), issuing_body="Giunta regionale Toscana")
    defaults.update(fields)
    m2m = {k: defaults.pop(k) for k in ("topics",) if k in defaults}
    page, _ = ensure_page(parent, NormPage, _slug("norma"), m2m=m2m, publish=publish, **defaults)
    return page


def data(parent, publish=True, **fields):
    defaults = dict(title=f"Dato {next(_seq)}", summary="Un dato di prova.", indicator="Indicatore di prova",
                    value=Decimal("1234.5"), unit="euro", period_label="2021", period_end=date(2021, 12, 31),
                    source="Fonte di prova")
    defaults.update(fields)
    m2m = {k: defaults.pop(k) for k in ("topics",) if k in defaults}
    page, _ = ensure_page(parent, DataPage, _slug("dato"), m2m=m2m, publish=publish, **defaults)
    return page


def news(parent, publish=True, **fields):
    defaults = dict(title=f"Notizia {next(_seq)}", summary="Una notizia di prova.", date=date(2024, 3, 1))
    defaults.update(fields)
    m2m = {k: defaults.pop(k) for k in ("topics", "zones", "related_norms") if k in defaults}
    tags = defaults.pop("tags", ())
    page, _ = ensure_page(parent, NewsPage, _slug("notizia"), m2m=m2m, tags=tags, publish=publish, **defaults)
    return page


def make_private(page):
    from wagtail.models import PageViewRestriction

    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def unpublish(page):
    page.unpublish()
    return page
