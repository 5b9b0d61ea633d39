"""The scale curves as a small hand-written SVG (no plotting library needed): one panel per figure."""
from __future__ import annotations

import math
from html import escape

COLORS = ["#0066cc", "#d9364f", "#008758", "#a66300", "#5c2d91"]
PANEL_W, PANEL_H, COLS = 330, 230, 3
MARGIN = dict(left=56, right=12, top=34, bottom=44)


def _get(data: dict, path: str):
    value = data
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, (int, float)) else None


def panels_from(results: dict) -> list[dict]:
    """Panel definitions: (title, unit, [(series label, path in a size's results)])."""
    specs = [
        ("1. Full reindex", "docs/s", [("search_reindex", "reindex.docs_per_s"), ("raw helpers.bulk", "reindex.raw.docs_per_s"),
                                        ("Wagtail update_index", "reindex.wagtail_update_index.docs_per_s")]),
        ("2. Publish -> searchable", "s", [("p50", "publish.searchable_s.p50"), ("p95", "publish.searchable_s.p95")]),
        ("3. Search p95", "ms", [("ours", "search.ours.p95"), ("ES took", "search.took.p95"), ("Wagtail es8", "search.peer.p95")]),
        ("3. Autocomplete p95", "ms", [("endpoint", "search.autocomplete.endpoint.p95"),
                                       ("service", "search.autocomplete.service.p95"),
                                       ("Wagtail es8", "search.autocomplete.peer.p95")]),
        ("4. Pages p95 (uncached)", "ms", [("home", "pages.pages_by_label.home"), ("practices index", "pages.pages_by_label.index buone-pratiche"),
                                           ("practice detail", "pages.pages_by_label.detail practice"),
                                           ("worst page", "pages.worst.p95")]),
        ("5. Load: throughput", "req/s", [("50 clients", "load.req_per_s")]),
        ("5. Load: latency", "ms", [("p50", "load.latency_ms.p50"), ("p95", "load.latency_ms.p95")]),
        ("6. Newsletter sending", "msg/s", [("worker, end to end", "newsletter.send.msg_per_s"),
                                            ("raw smtplib", "newsletter.raw.msg_per_s")]),
        ("6. Newsletter build + render", "s", [("build", "newsletter.build_s"), ("render all segments", "newsletter.render_all_segments_s")]),
        ("6. Worker peak RSS", "MiB", [("peak", "newsletter.send.worker_peak_rss_mib")]),
        ("Data generation", "pages/s", [("generate", "data.pages_per_s")]),
    ]
    panels = []
    for title, unit, series in specs:
        lines = []
        for label, path in series:
            points = [(int(size), _get(r, path)) for size, r in sorted(results.items(), key=lambda kv: int(kv[0]))]
            points = [(x, y) for x, y in points if y is not None]
            if points:
                lines.append((label, points))
        if lines:
            panels.append({"title": title, "unit": unit, "lines": lines})
    return panels


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _panel(panel: dict, x0: float, y0: float, sizes: list[int]) -> list[str]:
    out = []
    w = PANEL_W - MARGIN["left"] - MARGIN["right"]
    h = PANEL_H - MARGIN["top"] - MARGIN["bottom"]
    left, top = x0 + MARGIN["left"], y0 + MARGIN["top"]
    ymax = _nice_max(max(y for _l, pts in panel["lines"] for _x, y in pts) * 1.05)
    lo, hi = math.log10(min(sizes)), math.log10(max(sizes))

    def sx(x):
        return left + (w / 2 if hi == lo else (math.log10(x) - lo) / (hi - lo) * w)

    def sy(y):
        return top + h - y / ymax * h

    out.append(f'<text x="{x0 + 8}" y="{y0 + 18}" class="title">{escape(panel["title"])} ({escape(panel["unit"])})</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{w}" height="{h}" class="frame"/>')
    for i in range(5):
        value = ymax * i / 4
        y = sy(value)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{left - 4}" y="{y + 3:.1f}" class="tick" text-anchor="end">{value:g}</text>')
    for size in sizes:
        x = sx(size)
        label = f"{size // 1000}k" if size >= 1000 else str(size)
        out.append(f'<text x="{x:.1f}" y="{top + h + 14}" class="tick" text-anchor="middle">{label}</text>')
    for n, (label, pts) in enumerate(panel["lines"]):
        color = COLORS[n % len(COLORS)]
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        if len(pts) > 1:
            out.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{color}"><title>{escape(label)}: {y:g}</title></circle>')
        lx = left + (n % 2) * (w / 2)
        ly = top + h + 28 + (n // 2) * 11
        out.append(f'<rect x="{lx:.1f}" y="{ly - 7:.1f}" width="8" height="8" fill="{color}"/>')
        out.append(f'<text x="{lx + 11:.1f}" y="{ly:.1f}" class="legend">{escape(label)}</text>')
    return out


def svg(results: dict, subtitle: str = "") -> str:
    panels = panels_from(results)
    sizes = sorted(int(s) for s in results) or [1000]
    rows = max(1, math.ceil(len(panels) / COLS))
    width, height = COLS * PANEL_W, rows * PANEL_H + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="bench-title">',
        '<style>text{font-family:sans-serif;fill:#1a1a1a}.title{font-size:12px;font-weight:bold}'
        '.tick{font-size:9px;fill:#555}.legend{font-size:9px}.frame{fill:none;stroke:#999}'
        '.grid{stroke:#e3e3e3}</style>',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text id="bench-title" x="10" y="22" class="title" style="font-size:14px">Scale curves by number of good '
        f'practices {escape(subtitle)}</text>',
    ]
    for i, panel in enumerate(panels):
        parts += _panel(panel, (i % COLS) * PANEL_W, 40 + (i // COLS) * PANEL_H, sizes)
    parts.append("</svg>")
    return "\n".join(parts)
