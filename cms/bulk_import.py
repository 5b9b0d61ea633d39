"""Importing norms and data series from a CSV file, all rows or none.

``parse(kind, raw)`` reads the file (UTF-8, ';' or ',' separated, as a spreadsheet saves it and
as the portal's own series CSV is exported) and builds an unsaved page per row, checked by the
page's own ``full_clean()`` — the same rules as the admin form — plus duplicates within the file.
Every problem is reported in Italian with its row number; ``create(...)`` adds the pages only when
there is none, in one transaction. The admin views (cms/admin_import.py) show the rows as a
preview before the editor confirms.
"""
from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _fold(header: str) -> str:
    text = unicodedata.normalize("NFKD", header or "").encode("ascii", "ignore").decode().strip().lower()
    return text.replace(" ", "_")


# column name in the file (accents and case ignored) -> field; the first name is the documented one
NORM_COLUMNS = {
    "tipo": "kind", "numero": "number", "data": "date", "anno": "year", "ente": "issuing_body",
    "titolo": "title", "sommario": "summary", "stato": "status", "fonte_ufficiale": "full_text_url",
    "nota": "note", "note": "note", "aree_tematiche": "topics",
}
NORM_REQUIRED = ("tipo", "titolo", "sommario", "ente")
DATA_COLUMNS = {
    "indicatore": "indicator", "valore": "value", "unita": "unit", "unita_di_misura": "unit", "periodo": "period_label",
    "inizio": "period_start", "fine": "period_end", "zona": "zona", "territorio": "zona", "fonte": "source",
    "collegamento_fonte": "source_url", "titolo": "title", "sommario": "summary", "nota": "note", "note": "note",
    "aree_tematiche": "topics",
}
DATA_REQUIRED = ("indicatore", "valore", "periodo", "fonte")
KINDS = {"norme": (NORM_COLUMNS, NORM_REQUIRED), "dati": (DATA_COLUMNS, DATA_REQUIRED)}


@dataclass
class Parsed:
    kind: str
    pages: list = field(default_factory=list)  # (row number, unsaved page, [topics])
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.pages) and not self.errors


def _cell(value: str) -> str:
    """A cell as text; the apostrophe the portal's exports put before a formula-like cell is dropped."""
    value = (value or "").strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _date(value: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _decimal(value: str) -> Decimal:
    """'1234.5', '1.234,5', '1234,5' -> Decimal."""
    text = value.replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number


def read_rows(raw: bytes, columns: dict, required: tuple) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("Il file deve essere un CSV salvato in UTF-8.")]
    if "\x00" in text:
        return [], [_("Il file non è un CSV di testo.")]
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        return [], [_("Il file è vuoto.")]
    names = [_fold(h) for h in header]
    unknown = [h for h, n in zip(header, names) if n and n not in columns]
    missing = [c for c in required if c not in names]
    errors = []
    if missing:
        errors.append(_("Mancano le colonne: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        errors.append(_("Colonne sconosciute: %(columns)s. Ammesse: %(allowed)s.") % {
            "columns": ", ".join(unknown), "allowed": ", ".join(dict.fromkeys(columns))})
    if errors:
        return [], errors
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            return [], [_("Al massimo %(count)s righe per file.") % {"count": MAX_ROWS}]
        if len(values) > len(names):
            errors.append(_("Riga %(number)s: più celle che colonne (controlla il separatore ';' o ',').") % {"number": number})
            continue
        row = {}
        for name, value in zip(names, values):
            if name:
                row[columns[name]] = _cell(value)
        rows.append((number, row))
    return rows, errors


def _topics(value: str, problems: list[str]):
    from cms.models import Topic

    found = []
    for name in filter(None, (part.strip() for part in value.split(";" if ";" in value else "|"))):
        topic = Topic.objects.filter(name__iexact=name).first() or Topic.objects.filter(slug=slugify(name)).first()
        if topic is None:
            problems.append(_("area tematica «%(name)s» sconosciuta") % {"name": name})
        else:
            found.append(topic)
    return found


def _messages(error: ValidationError, page) -> list[str]:
    out = []
    for name, messages in error.message_dict.items():
        try:
            label = str(page._meta.get_field(name).verbose_name) if name != "__all__" else ""
        except Exception:
            label = name
        out += [f"{label}: {m}" if label else m for m in messages]
    return out


def _check(page, parent, exclude=()):
    page._cached_parent_obj = parent  # Wagtail checks the slug among the parent's children
    page.full_clean(exclude=["path", "depth", "numchild", "url_path", "translation_key", "locale",
                             "draft_title", "live_revision", "latest_revision", *exclude])


def _norm(row: dict, problems: list[str]):
    from cms.models import NormPage, NormStatus
    from cms.norms_ids import NormKind

    kinds = {value.lower(): value for value, _label in NormKind.choices}
    kind = kinds.get(row.get("kind", "").lower())
    if kind is None:
        problems.append(_("tipo «%(value)s» non previsto (ammessi: %(allowed)s)") % {
            "value": row.get("kind", ""), "allowed": ", ".join(v for v, _l in NormKind.choices)})
    status = (row.get("status") or NormStatus.VIGENTE).lower()
    if status not in NormStatus.values:
        problems.append(_("stato «%(value)s» non previsto (vigente, modificata, abrogata)") % {"value": status})
    day = year = None
    if row.get("date"):
        try:
            day = _date(row["date"])
        except ValueError:
            problems.append(_("data «%(value)s» non valida (AAAA-MM-GG o GG/MM/AAAA)") % {"value": row["date"]})
    if row.get("year"):
        if row["year"].isdigit() and 1800 < int(row["year"]) < 2200:
            year = int(row["year"])
        else:
            problems.append(_("anno «%(value)s» non valido") % {"value": row["year"]})
    return NormPage(
        title=row.get("title", ""), summary=row.get("summary", ""), kind=kind or "", number=row.get("number", ""),
        date=day, year=year, issuing_body=row.get("issuing_body", ""), status=status,
        full_text_url=row.get("full_text_url", ""), note=row.get("note", ""),
    )


def _data(row: dict, problems: list[str]):
    from cms.models import DataPage, Zona

    value = None
    try:
        value = _decimal(row.get("value", ""))
    except (InvalidOperation, ValueError):
        problems.append(_("valore «%(value)s» non è un numero (es. 1234,5)") % {"value": row.get("value", "")})
    dates = {}
    for key in ("period_start", "period_end"):
        if row.get(key):
            try:
                dates[key] = _date(row[key])
            except ValueError:
                problems.append(_("data «%(value)s» non valida (AAAA-MM-GG o GG/MM/AAAA)") % {"value": row[key]})
    zona = None
    territory = row.get("zona", "")
    if territory and territory.lower() not in ("toscana", "regione toscana"):
        zona = Zona.objects.filter(name__iexact=territory).first() or Zona.objects.filter(slug=slugify(territory)).first()
        if zona is None:
            problems.append(_("zona «%(value)s» sconosciuta (vuoto o «Toscana» per l'intera regione)") % {"value": territory})
    indicator, period = row.get("indicator", ""), row.get("period_label", "")
    where = zona.name if zona else "Toscana"  # page content: in Italian whatever the admin's language
    title = row.get("title") or f"{indicator} – {where} – {period}"
    unit = row.get("unit", "")
    summary = row.get("summary") or f"{indicator} in {where}, {period}: {row.get('value', '')} {unit}."
    page = DataPage(
        title=title[:255], summary=summary.replace(" .", "."), indicator=indicator, value=value, unit=unit,
        period_label=period, zona=zona, source=row.get("source", ""), source_url=row.get("source_url", ""),
        note=row.get("note", ""), **dates,
    )
    if value is not None and indicator and period and DataPage.objects.filter(
            indicator=indicator, zona=zona, period_label=period).exists():
        problems.append(_("il valore di «%(indicator)s» per %(where)s, %(period)s, è già nel portale") % {
            "indicator": indicator, "where": where, "period": period})
    return page


def parent_for(kind: str):
    from cms.models import DataIndexPage, NormIndexPage

    return (NormIndexPage if kind == "norme" else DataIndexPage).objects.first()


def parse(kind: str, raw: bytes) -> Parsed:
    columns, required = KINDS[kind]
    result = Parsed(kind)
    parent = parent_for(kind)
    if parent is None:
        result.errors.append(_("Manca la sezione del portale in cui importare: crearla prima."))
        return result
    rows, result.errors = read_rows(raw, columns, required)
    seen, slugs = {}, set(parent.get_children().values_list("slug", flat=True))
    for number, row in rows:
        problems: list[str] = []
        page = (_norm if kind == "norme" else _data)(row, problems)
        topics = _topics(row.get("topics", ""), problems)
        base = slugify(page.title)[:200] or kind
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        page.slug = slug
        slugs.add(slug)
        try:
            _check(page, parent, exclude=["value"] if page.__class__.__name__ == "DataPage" and page.value is None else ())
        except ValidationError as error:
            problems += _messages(error, page)
        key = (page.kind, page.number, page.effective_year) if kind == "norme" else (
            page.indicator, page.zona_id, page.period_label)
        if kind == "dati" or page.number:
            if key in seen:
                problems.append(_("ripete la riga %(number)s") % {"number": seen[key]})
            seen.setdefault(key, number)
        if problems:
            result.errors.append(_("Riga %(number)s: %(problems)s.") % {"number": number, "problems": "; ".join(
                dict.fromkeys(str(p).rstrip(".") for p in problems))})
        else:
            result.pages.append((number, page, topics))
    if not rows and not result.errors:
        result.errors.append(_("Il file non contiene righe da importare."))
    return result


def create(parsed: Parsed, user, publish: bool) -> list:
    """Add the parsed pages under their index (drafts, or published if ``publish``): all or none."""
    if not parsed.ok:
        raise ValueError("nothing is created from a file with errors")
    parent = parent_for(parsed.kind)
    created = []
    with transaction.atomic():
        for _number, page, topics in parsed.pages:
            page.live = False
            if topics:
                page.topics.set(topics)  # kept by the page until add_child saves it
            parent.add_child(instance=page)
            revision = page.save_revision(user=user, log_action=True)
            if publish:
                revision.publish(user=user)
            created.append(page)
            parent.refresh_from_db()
    return created
