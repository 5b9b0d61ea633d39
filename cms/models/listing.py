"""Filters and pagination of the index pages and exports.

Every listing is: the live, public pages of one type, narrowed by a small filter
form, ordered, with the related rows it shows fetched in a fixed number of
queries (select_related / prefetch_related), so the query count does not grow
with the page size.

It sits among the models, above the content page types it lists and below the pages
that render it (cms.models.indexes, cms.models.home); the views, feeds and calendars
outside the models read it too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models.data import DataPage
from cms.models.news import NewsPage
from cms.models.norms import NormPage, NormStatus
from cms.models.practices import PracticePage
from cms.models.seminars import EventFormat, SeminarPage
from cms.models.taxonomy import AziendaUSL, Topic, Zona
from cms.models.workshops import WorkshopPage, WorkshopSession
from cms.norms_ids import NormKind
from cms.practice_rules import EvaluationLevel

PER_PAGE_CHOICES = (12, 24, 48, 96)


def _choices(empty_label, choices):
    return [("", empty_label)] + list(choices)


class ListingFilterForm(forms.Form):
    """The filters of a listing; fields not used by a type are removed in __init__."""

    zona = forms.ModelChoiceField(
        queryset=Zona.objects.only("name", "slug"), to_field_name="slug", required=False,
        label=_("Zona distretto"), empty_label=_("Tutte le zone"),
    )
    ausl = forms.ChoiceField(choices=_choices(_("Tutte le Aziende USL"), AziendaUSL.choices), required=False, label=_("Azienda USL"))
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.only("name", "slug"), to_field_name="slug", required=False,
        label=_("Area tematica"), empty_label=_("Tutte le aree"),
    )
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Anno"))
    level = forms.ChoiceField(choices=_choices(_("Tutti i livelli"), EvaluationLevel.choices), required=False, label=_("Livello di valutazione"))
    kind = forms.ChoiceField(choices=_choices(_("Tutti i tipi"), NormKind.choices), required=False, label=_("Tipo di atto"))
    status = forms.ChoiceField(choices=_choices(_("Tutti gli stati"), NormStatus.choices), required=False, label=_("Stato"))
    format = forms.ChoiceField(choices=_choices(_("Tutte le modalità"), EventFormat.choices), required=False, label=_("Modalità"))
    when = forms.ChoiceField(
        choices=[("", _("In programma e passati")), ("upcoming", _("In programma")), ("past", _("Passati"))],
        required=False, label=_("Quando"),
    )
    per_page = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Elementi per pagina"),
        choices=[("", _("Predefinito"))] + [(n, n) for n in PER_PAGE_CHOICES],
    )

    def __init__(self, *args, spec: "ListingSpec", years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in spec.filters and name != "per_page":
                del self.fields[name]
        if "year" in self.fields:
            self.fields["year"].choices = [("", _("Tutti gli anni"))] + [(y, y) for y in years]

    def active(self) -> dict:
        if not self.is_bound:
            return {}
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {k: v for k, v in data.items() if v not in (None, "") and k != "per_page"}


def _in(model, **lookup):
    """pk__in subquery: filtering across a many-to-many without duplicate rows or DISTINCT."""
    return {"pk__in": model.objects.filter(**lookup).values("pk")}


def practices_in(zona_lookup: str, value) -> Q:
    """The practices a zona filter (``zona_lookup`` "", value a Zona) or an Azienda USL filter
    ("__azienda_usl", value its code) finds: realized there, shared with it (``other_zones``) or
    region-wide (``covers_whole_region``): a practitioner filtering by their zona expects those too."""
    own = Q(**{f"zona{zona_lookup}": value})
    shared = Q(**_in(PracticePage, **{f"other_zones{zona_lookup}": value}))
    return own | shared | Q(covers_whole_region=True)


@dataclass
class ListingSpec:
    model: type
    ordering: tuple
    filters: dict[str, Callable]  # name -> function(value) -> filter kwargs, or a Q
    year_field: str
    related: Callable = lambda qs: qs
    extra: dict = field(default_factory=dict)


def _seminar_when(value):
    now = timezone.now()
    return {"start__gte": now} if value == "upcoming" else {"start__lt": now}


SPECS: dict[type, ListingSpec] = {
    PracticePage: ListingSpec(
        PracticePage, ("-period_start", "-first_published_at", "title"),
        {
            "zona": lambda z: practices_in("", z),
            "ausl": lambda a: practices_in("__azienda_usl", a),
            "topic": lambda t: _in(PracticePage, topics=t),
            "year": lambda y: {"period_start__year": y},
            "level": lambda v: {"evaluation_level": v},
        },
        "period_start",
        lambda qs: qs.select_related("zona").prefetch_related("topics", "other_zones"),
    ),
    SeminarPage: ListingSpec(
        SeminarPage, ("-start",),
        {
            "zona": lambda z: _in(SeminarPage, zones=z),
            "ausl": lambda a: _in(SeminarPage, zones__azienda_usl=a),
            "topic": lambda t: _in(SeminarPage, topics=t),
            "year": lambda y: {"start__year": y},
            "format": lambda f: {"format": f},
            "when": _seminar_when,
        },
        "start",
        lambda qs: qs.prefetch_related("zones", "topics"),
    ),
    WorkshopPage: ListingSpec(
        WorkshopPage, ("-first_published_at", "title"),
        {
            "zona": lambda z: _in(WorkshopPage, zones=z),
            "ausl": lambda a: _in(WorkshopPage, zones__azienda_usl=a),
            "topic": lambda t: _in(WorkshopPage, topics=t),
            "year": lambda y: _in(WorkshopPage, sessions__start__year=y),
        },
        "first_published_at",
        lambda qs: qs.prefetch_related("zones", "topics", Prefetch("sessions", WorkshopSession.objects.order_by("start"))),
    ),
    NormPage: ListingSpec(
        NormPage, ("-year", "-date", "kind", "number"),
        {
            "topic": lambda t: _in(NormPage, topics=t),
            "year": lambda y: {"year": y},
            "kind": lambda k: {"kind": k},
            "status": lambda s: {"status": s},
        },
        "year",
        lambda qs: qs.prefetch_related("topics"),
    ),
    DataPage: ListingSpec(
        DataPage, ("indicator", "-period_end", "title"),
        {
            "zona": lambda z: {"zona": z},
            "ausl": lambda a: {"zona__azienda_usl": a},
            "topic": lambda t: _in(DataPage, topics=t),
            "year": lambda y: {"period_end__year": y},
        },
        "period_end",
        lambda qs: qs.select_related("zona").prefetch_related("topics"),
    ),
    NewsPage: ListingSpec(
        NewsPage, ("-date", "-first_published_at"),
        {
            "zona": lambda z: _in(NewsPage, zones=z),
            "topic": lambda t: _in(NewsPage, topics=t),
            "year": lambda y: {"date__year": y},
        },
        "date",
        lambda qs: qs.prefetch_related("topics", "zones"),
    ),
}


def public_pages(model, parent=None):
    """Live pages of a type that anyone may see (cms.visibility: no restriction covers them,
    through an alias either), optionally under a parent."""
    from cms.visibility import visible

    qs = visible(model.objects.live())
    if parent is not None:
        qs = qs.descendant_of(parent)
    return qs


def _years(spec: ListingSpec, qs, parent=None) -> list[int]:
    """The years offered by the filter (a scan of the whole listing: kept until the content changes)."""
    from portal import content_version

    return content_version.memo(f"listing-years:{spec.model._meta.label}:{parent.pk if parent else ''}",
                                lambda: _read_years(spec, qs))


def _read_years(spec: ListingSpec, qs) -> list[int]:
    if spec.year_field == "year":
        return sorted({y for y in qs.values_list("year", flat=True).distinct() if y}, reverse=True)
    if spec.model is WorkshopPage:
        dates = WorkshopSession.objects.filter(page__in=qs.values("pk")).dates("start", "year", order="DESC")
        return [d.year for d in dates]
    field_type = spec.model._meta.get_field(spec.year_field).get_internal_type()
    if field_type == "DateTimeField":
        return [d.year for d in qs.datetimes(spec.year_field, "year", order="DESC", tzinfo=timezone.get_current_timezone())]
    return [d.year for d in qs.dates(spec.year_field, "year", order="DESC")]


@dataclass
class Listing:
    form: ListingFilterForm
    queryset: object
    page_obj: object = None
    paginator: object = None
    querystring: str = ""
    errors: bool = False
    count_key: str | None = None  # names this listing's count in the memo; None: count every time

    def count(self) -> int:
        """How many pages the listing holds, kept until the content changes (see ``count_key``)."""
        if self.count_key is None:
            return self.queryset.count()
        from portal import content_version

        return content_version.memo(self.count_key, self.queryset.count)


class ListingPaginator(Paginator):
    """Two costs of a listing of 100k pages: counting it, kept until the content changes,
    and skipping to a deep page. The skip reads only the ids of the rows (a narrow sort, no
    related rows), from the nearer end (the second half reads the listing backwards, so
    page 7,500 of 8,334 skips 10k rows, not 90k); then the page's own rows are read by id."""

    def __init__(self, listing: Listing, per_page, **kwargs):
        super().__init__(listing.queryset, per_page, **kwargs)
        self.listing = listing

    @cached_property
    def count(self):
        return self.listing.count()

    def page(self, number):
        if not getattr(self.object_list, "ordered", False):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int) -> list:
        listing = self.object_list
        if bottom <= self.count // 2:
            ids = list(listing.values_list("pk", flat=True)[bottom:top])
        else:
            ids = list(listing.reverse().values_list("pk", flat=True)[self.count - top:self.count - bottom])[::-1]
        by_pk = {row.pk: row for row in listing.filter(pk__in=ids).order_by()}
        return [by_pk[pk] for pk in ids if pk in by_pk]


def filtered(model, data, parent=None) -> Listing:
    """Apply the filters in ``data`` (a QueryDict) to the public pages of ``model``."""
    spec = SPECS[model]
    base = public_pages(model, parent)
    form = ListingFilterForm(data or None, spec=spec, years=_years(spec, base, parent))
    qs = base
    errors = False
    applied = {}
    if form.is_bound:
        if not form.is_valid():
            errors = True
        for name, value in form.active().items():
            if name in spec.filters:
                condition = spec.filters[name](value)
                qs = qs.filter(condition) if isinstance(condition, Q) else qs.filter(**condition)
                applied[name] = str(getattr(value, "pk", value))
    qs = spec.related(qs.order_by(*spec.ordering, "pk"))  # pk last: a total order, reversible page by page
    count_key = None
    if "when" not in applied:  # "in programma" changes with the clock, not with the content
        count_key = f"listing-count:{model._meta.label}:{parent.pk if parent else ''}:{sorted(applied.items())}"
    return Listing(form=form, queryset=qs, errors=errors, count_key=count_key)


def paginated(model, request, parent=None, default_per_page=12) -> Listing:
    listing = filtered(model, request.GET, parent)
    per_page = default_per_page
    if listing.form.is_bound and hasattr(listing.form, "cleaned_data"):
        per_page = listing.form.cleaned_data.get("per_page") or per_page
    listing.paginator = ListingPaginator(listing, per_page)
    listing.page_obj = listing.paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    listing.querystring = params.urlencode()
    return listing
