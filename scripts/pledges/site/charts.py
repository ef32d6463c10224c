"""Trend charts drawn at build time as inline SVG: no chart library, no request, readable by screen readers.

Each chart has a <title> and a <desc> (the numbers in words) and sits beside a table of the same
numbers. Every piece of text is escaped here; the result is safe to insert as raw HTML.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 36, 16, 40


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def line_chart(
    chart_id: str,
    periods: list[str],
    values: list[float | None],
    averages: list[float | None],
    title: str,
    desc: str,
    legend_provider: str,
    legend_average: str,
) -> str:
    points = [v for v in values + averages if v is not None]
    if not periods or not points:
        return ""
    low, high = min(points), max(points)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = max(0.0, low - pad) if low >= 0 else low - pad, high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(periods) - 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(periods) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h - (v - low) / (high - low) * plot_h

    def path(series: list[float | None]) -> str:
        parts, pen_up = [], True
        for i, v in enumerate(series):
            if v is None:
                pen_up = True
                continue
            parts.append(f"{'M' if pen_up else 'L'}{x(i):.1f},{y(v):.1f}")
            pen_up = False
        return " ".join(parts)

    cid = escape(chart_id)
    out = [
        f'<svg class="pt-chart" id="{cid}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-t">{escape(title)}</title>',
        f'<desc id="{cid}-d">{escape(desc)}</desc>',
    ]
    for frac in (0.0, 0.5, 1.0):
        v = low + (high - low) * frac
        out.append(f'<line class="pt-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>')
        out.append(f'<text class="pt-axis" x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{escape(_fmt(round(v, 1)))}</text>')
    label_every = max(1, (len(periods) + 4) // 5)  # about five labels: fewer elements, same information
    for i, period in enumerate(periods):
        if i % label_every == 0 or i == len(periods) - 1:
            out.append(f'<text class="pt-axis" x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(period)}</text>')
    if any(a is not None for a in averages):
        out.append(f'<path class="pt-avg" d="{path(averages)}"/>')
    # One path with a marker on every point keeps the element count (and the build time) small.
    out.append(f'<defs><marker id="{cid}-m" viewBox="0 0 6 6" refX="3" refY="3" markerWidth="7" markerHeight="7" '
               f'markerUnits="userSpaceOnUse"><circle cx="3" cy="3" r="3" fill="#1f4fbf"/></marker></defs>')
    marker = f'url(#{cid}-m)'
    out.append(f'<path class="pt-line" d="{path(values)}" marker-start="{marker}" marker-mid="{marker}" marker-end="{marker}"/>')
    ly = HEIGHT - 8
    out.append(f'<line class="pt-line" x1="{LEFT}" x2="{LEFT + 20}" y1="{ly - 4}" y2="{ly - 4}"/>')
    out.append(f'<text class="pt-axis" x="{LEFT + 26}" y="{ly}">{escape(legend_provider)}</text>')
    if any(a is not None for a in averages):
        out.append(f'<line class="pt-avg" x1="{LEFT + 200}" x2="{LEFT + 220}" y1="{ly - 4}" y2="{ly - 4}"/>')
        out.append(f'<text class="pt-axis" x="{LEFT + 226}" y="{ly}">{escape(legend_average)}</text>')
    out.append("</svg>")
    return "".join(out)
