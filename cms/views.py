"""Non-page views of the content: zona pages and the export of good practices."""
import csv
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models.listing import filtered, public_pages
from portal.exports import safe_row
from cms.models import (
    DataPage,
    PracticeIndexPage,
    PracticePage,
    SeminarIndexPage,
    SeminarPage,
    WorkshopIndexPage,
    WorkshopPage,
    Zona,
)
from portal import public_urls


def _crumbs(zona=None):
    from django.urls import reverse

    crumbs = [(_("Home"), "/"), (_("Zone distretto"), reverse("cms:zona_list"))]
    if zona is not None:
        crumbs.append((zona.name, None))
    return crumbs


def zona_list(request):
    from cms.zones import groups_by_azienda

    return render(request, "cms/zona_list.html", {"groups": groups_by_azienda(), "crumbs": _crumbs()})


# A zona page shows the latest items of each kind; the full list is the listing filtered by the zona.
ZONA_SECTION_SIZE = 12


@dataclass
class ZonaSection:
    items: list
    total: int
    all_url: str | None


def _zona_section(model, index_model, zona, own_only=False) -> ZonaSection:
    """The latest items of the listing filtered by the zona. ``own_only``: the items shown are those
    realized in the zona (a practice's main zona), while the total and the link are the listing's,
    which also holds the practices shared with the zona or region-wide (listed apart, cms.zones)."""
    from portal import content_version

    listing = filtered(model, QueryDict(urlencode({"zona": zona.slug})))
    shown = listing.queryset.filter(zona=zona) if own_only else listing.queryset
    items = list(shown[:ZONA_SECTION_SIZE])
    total = len(items)
    if own_only or total == ZONA_SECTION_SIZE:
        total = listing.count()
    index_url = content_version.memo(f"index-url:{index_model._meta.label}", lambda: _index_url(index_model))
    all_url = f"{index_url}?{urlencode({'zona': zona.slug})}" if index_url and total > len(items) else None
    return ZonaSection(items, total, all_url)


def _index_url(index_model) -> str | None:
    index = public_pages(index_model).first()
    return index.url if index else None


def zona_detail(request, slug):
    from cms.zones import latest_news, regional_content, travelling_practices, upcoming_events

    zona = get_object_or_404(Zona, slug=slug)
    figures = list(public_pages(DataPage).filter(zona=zona).order_by("indicator", "period_end"))
    chart_points = [(f.indicator if len(figures) > 1 else f.period_label, f.value, f.unit) for f in figures]
    sections = {
        "practices": _zona_section(PracticePage, PracticeIndexPage, zona, own_only=True),
        "seminars": _zona_section(SeminarPage, SeminarIndexPage, zona),
        "workshops": _zona_section(WorkshopPage, WorkshopIndexPage, zona),
    }
    news = latest_news(zona)
    has_own = bool(figures or news or any(s.items for s in sections.values()))
    return render(request, "cms/zona_detail.html", {
        "zona": zona, **sections, "upcoming": upcoming_events(zona), "news": news,
        "travelling": travelling_practices(zona, request),
        "regional": None if has_own else regional_content(),
        "figures": figures, "chart_points": chart_points, "crumbs": _crumbs(zona),
    })


EXPORT_COLUMNS = [
    ("id", _("id")), ("titolo", _("titolo")), ("url", _("indirizzo")), ("zona", _("zona")),
    ("altre_zone", _("altre zone coinvolte")),
    ("azienda_usl", _("Azienda USL")), ("ente_titolare", _("ente titolare")), ("aree_tematiche", _("aree tematiche")),
    ("livello", _("livello di valutazione")), ("criteri", _("criteri soddisfatti")),
    ("fonti_finanziamento", _("fonti di finanziamento")), ("inizio", _("inizio")), ("fine", _("fine")),
    ("destinatari", _("destinatari")), ("sommario", _("sommario")),
]


def _practice_row(page, request) -> dict:
    return {
        "id": page.pk,
        "titolo": page.title,
        "url": public_urls.page_url(page),
        "zona": page.zona.name if page.zona_id else "",
        "altre_zone": [str(_("tutta la Toscana"))] if page.covers_whole_region else [z.name for z in page.involved_zones()],
        "azienda_usl": page.zona.get_azienda_usl_display() if page.zona_id else "",
        "ente_titolare": page.owner_body,
        "aree_tematiche": [t.name for t in page.topics.all()],
        "livello": page.get_evaluation_level_display(),
        "criteri": [str(c) for c in page.criteria_labels()],
        "fonti_finanziamento": [str(f) for f in page.funding_labels()],
        "inizio": page.period_start,
        "fine": page.period_end,
        "destinatari": page.target_groups,
        "sommario": page.summary,
    }


def practices_export(request, fmt):
    """All the public good practices matching the same filters as the listing, as CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise Http404
    listing = filtered(PracticePage, request.GET)
    if listing.errors:
        errors = {name: [str(e) for e in errs] for name, errs in listing.form.errors.items()}
        return JsonResponse({"errore": _("Filtri non validi."), "dettagli": errors}, status=400)
    rows = [_practice_row(p, request) for p in listing.queryset]
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(
            json.dumps({"count": len(rows), "results": rows}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # spreadsheets open UTF-8 correctly with a BOM
        writer = csv.writer(response, delimiter=";")
        writer.writerow([label for _key, label in EXPORT_COLUMNS])
        for row in rows:
            writer.writerow(safe_row("; ".join(v) if isinstance(v, list) else ("" if v is None else v) for v in (row[k] for k, _l in EXPORT_COLUMNS)))
    response["Content-Disposition"] = f'attachment; filename="buone-pratiche-{stamp}.{fmt}"'
    return response


def _csv_number(value) -> str:
    """'1234,5': a decimal comma and no grouping, as Italian spreadsheets read a ';'-separated file."""
    text = str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")
    return text.replace(".", ",")


def data_series_csv(request, pk):
    """The series of a data page (same indicator and territory) as CSV: what its chart and table show."""
    from cms.charts import series_csv
    from cms.visibility import visible

    page = get_object_or_404(DataPage.objects.live().select_related("zona"), pk=pk)
    if not visible(page, request):
        raise Http404
    points = list(page.series().select_related("zona").only(
        "pk", "indicator", "value", "unit", "period_label", "period_start", "period_end", "source", "zona", "zona__name", "path"))
    if page.pk not in {p.pk for p in points}:
        points = [page]
    rows = [{
        "indicatore": p.indicator, "territorio": str(p.territory_label), "periodo": p.period_label,
        "inizio": p.period_start, "fine": p.period_end, "valore": _csv_number(p.value), "unita": p.unit, "fonte": p.source,
    } for p in points]
    response = HttpResponse("\ufeff" + series_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dati-{page.slug}.csv"'
    return response
