"""Small server-rendered SVG bar charts (no JavaScript), with a text alternative."""
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 640, 26, 10, 190


def format_value(value, unit="") -> str:
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def bar_chart(points, title: str, chart_id: str) -> str:
    """Horizontal bars for [(label, value, unit)], as an accessible SVG; '' when there is nothing to draw."""
    points = [(str(label), Decimal(value), unit) for label, value, unit in points]
    if not points:
        return ""
    top = max((v for _l, v, _u in points), default=Decimal(0)) or Decimal(1)
    height = len(points) * (BAR_HEIGHT + GAP) + GAP
    usable = WIDTH - LABEL_WIDTH - 150
    rows = []
    for i, (label, value, unit) in enumerate(points):
        y = GAP + i * (BAR_HEIGHT + GAP)
        width = max(int(usable * (value / top)) if value > 0 else 0, 1)
        rows.append((
            y + BAR_HEIGHT * 0.68, label[:32], LABEL_WIDTH, y, width, BAR_HEIGHT,
            LABEL_WIDTH + width + 6, y + BAR_HEIGHT * 0.68, format_value(value, unit),
        ))
    bars = format_html_join(
        "",
        '<text x="4" y="{}" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2" class="chart-bar"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        rows,
    )
    description = "; ".join(f"{label}: {format_value(value, unit)}" for label, value, unit in points)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{cid}-title {cid}-desc" class="bar-chart">'
        '<title id="{cid}-title">{title}</title><desc id="{cid}-desc">{desc}</desc>'
        '<style>.chart-label,.chart-value{{font:13px "Titillium Web",sans-serif;fill:#17324d}}'
        '.chart-bar{{fill:#0066cc}}</style>{bars}</svg>',
        w=WIDTH, h=height, cid=chart_id, title=title, desc=mark_safe(format_html("{}", description)), bars=bars,
    )


def chart_caption() -> str:
    return _("Grafico: i valori sono riportati anche nella tabella.")
