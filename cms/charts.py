"""Small server-rendered SVG bar charts (no JavaScript), with a text alternative, and series as CSV.

The chart is drawn at the width of a phone's column (WIDTH px, never scaled up on a desktop, at most
scaled a little down): each bar has its label on the line above it, so labels keep FONT_PX and are not
squeezed beside the bars.
"""
import csv
import io
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH, FONT_PX, BAR_HEIGHT, ROW_GAP, PAD = 340, 14, 18, 10, 4
CHAR_PX = FONT_PX * 0.55  # average advance of Titillium Web, for room and truncation
ROW_HEIGHT = FONT_PX + 6 + BAR_HEIGHT + ROW_GAP
MAX_LABEL_CHARS = int((WIDTH - 2 * PAD) / CHAR_PX)


def format_value(value, unit="") -> str:
    """Italian separators ('51.599.773 euro', '12,50 %')."""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def format_figure_html(value, unit="") -> str:
    """The figure for a page: the number never breaks across lines, the unit may go to the next one."""
    number = format_value(value)
    if not unit:
        return format_html('<span class="figure-number">{}</span>', number)
    return format_html('<span class="figure-number">{}</span> <span class="figure-unit">{}</span>', number, unit)


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(points, title: str, chart_id: str) -> str:
    """Horizontal bars for [(label, value, unit)], as an accessible SVG; '' when there is nothing to draw."""
    points = [(str(label), Decimal(value), unit) for label, value, unit in points]
    if not points:
        return ""
    top = max((v for _l, v, _u in points), default=Decimal(0)) or Decimal(1)
    texts = [format_value(value, unit) for _l, value, unit in points]
    value_room = int(max(len(t) for t in texts) * CHAR_PX) + 8
    usable = max(WIDTH - 2 * PAD - value_room, WIDTH // 3)
    height = len(points) * ROW_HEIGHT + PAD
    rows = []
    for i, ((label, value, _unit), text) in enumerate(zip(points, texts)):
        y = PAD + i * ROW_HEIGHT
        bar_y = y + FONT_PX + 6
        width = max(int(usable * (value / top)) if value > 0 else 0, 1)
        rows.append((
            y + FONT_PX, _shorten(label), PAD, bar_y, width, BAR_HEIGHT,
            PAD + width + 6, bar_y + BAR_HEIGHT - 4, text,
        ))
    bars = format_html_join(
        "",
        '<text x="4" y="{}" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2" class="chart-bar"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        rows,
    )
    description = "; ".join(f"{label}: {text}" for (label, _v, _u), text in zip(points, texts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{cid}-title {cid}-desc" class="bar-chart">'
        '<title id="{cid}-title">{title}</title><desc id="{cid}-desc">{desc}</desc>'
        '<style>.chart-label,.chart-value{{font:{font}px "Titillium Web",sans-serif;fill:#17324d}}'
        '.chart-value{{font-weight:600}}.chart-bar{{fill:#0066cc}}</style>{bars}</svg>',
        w=WIDTH, h=height, cid=chart_id, title=title, desc=mark_safe(format_html("{}", description)), bars=bars,
        font=FONT_PX,
    )


def chart_caption() -> str:
    return _("Grafico: i valori sono riportati anche nella tabella.")


def series_csv(rows) -> str:
    """The values of a series as CSV (';' separated, for Italian spreadsheets): one row per period.

    ``rows``: dicts with indicatore, territorio, periodo, inizio, fine, valore, unita, fonte.
    """
    from portal.exports import safe_row

    columns = [("indicatore", _("indicatore")), ("territorio", _("territorio")), ("periodo", _("periodo")),
               ("inizio", _("inizio")), ("fine", _("fine")), ("valore", _("valore")), ("unita", _("unità di misura")),
               ("fonte", _("fonte"))]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([label for _key, label in columns])
    for row in rows:
        writer.writerow(safe_row("" if row[key] is None else row[key] for key, _l in columns))
    return out.getvalue()
