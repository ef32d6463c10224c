"""Trend charts drawn at build time as inline SVG: no chart library, no request, readable by screen readers.

Each chart has a <title> and a <desc> (the numbers in words) and sits beside a table of the same
numbers. Every piece of text is escaped here; the result is safe to insert as raw HTML.

One geometry for every chart (``WIDTH`` × ``HEIGHT``, ``FONT_PX``), whatever its title or numbers, so the
charts of a page line up. The view box is small on purpose: the page scales it to the column, and at a
320 px wide screen (about 288 px of column) ``FONT_PX`` × 288 / ``WIDTH`` is still 11 px of text. A series
with a single period is not drawn (one dot on an axis says nothing): ``line_chart`` returns "" and the
page states the one figure in words.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 360, 216
FONT_PX = 14  # in view-box units; rendered 11 px at 288 px wide, 14 px at 360, 18.7 px at the 480 px cap
RIGHT, TOP, BOTTOM = 14, 12, 48
CHAR_W = 0.6 * FONT_PX  # a sans-serif digit's advance, to leave room for the longest axis label
ATTRIBUTION_LINE = 15  # a standalone (embed) file adds a band of 11 px lines for its attribution
ATTRIBUTION_CHARS = 56  # characters of an 11 px line that fit in WIDTH

STYLE = (".pt-line{fill:none;stroke:#1f4fbf;stroke-width:2.5}"
         ".pt-avg{fill:none;stroke:#6b6b6b;stroke-width:2;stroke-dasharray:6 4}"
         ".pt-grid{stroke:#dddddd;stroke-width:1}"
         f".pt-axis{{fill:#3b3b3b;font-size:{FONT_PX}px;font-family:sans-serif}}")


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _nice_step(span: float) -> float:
    """A 1-2-5 step that splits ``span`` into about two intervals (three grid lines)."""
    raw = span / 2
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def axis_range(points: list[float]) -> tuple[float, float, float]:
    """(low, high, step) for the y axis: from zero when the values are magnitudes not far from it (an
    honest baseline; a flat series is a flat line, not noise magnified), otherwise around the values."""
    low, high = min(points), max(points)
    if low >= 0 and (high == low or low <= 0.6 * high):
        low = 0.0
    if high == low:  # flat and negative, or all zero
        low, high = (low - 1, high + 1) if high != 0 else (0.0, 1.0)
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _legend(provider: str, average: str | None) -> str:
    ly = HEIGHT - 8
    parts = [f'<line class="pt-line" x1="8" x2="28" y1="{ly - 5}" y2="{ly - 5}"/>',
             f'<text class="pt-axis" x="33" y="{ly}">{escape(provider)}</text>']
    if average is not None:
        parts.append(f'<line class="pt-avg" x1="172" x2="192" y1="{ly - 5}" y2="{ly - 5}"/>')
        parts.append(f'<text class="pt-axis" x="197" y="{ly}">{escape(average)}</text>')
    return "".join(parts)


def label_positions(periods: list[str], x_step: float) -> list[int]:
    """Which periods get a label: as many as fit without touching, always the first and the last."""
    label_w = CHAR_W * (max(len(p) for p in periods) + 1)
    every = max(1, math.ceil(1.5 * label_w / x_step))  # 1.5: the first label is anchored at its start
    last = len(periods) - 1
    # The last label is anchored at its end: a centred label closer to it than 1.5 labels would overlap it.
    return [i for i in range(0, last, every) if (last - i) * x_step >= (2 if i == 0 else 1.5) * label_w] + [last]


@dataclass(frozen=True)
class Drawing:
    """A chart's drawn lines, axes and legend: the same in the page's inline chart and in its standalone file
    (``svg()``, ``svg(attribution)``), so drawn once for both."""

    chart_id: str
    title: str
    desc: str
    body: str

    def svg(self, attribution: str | None = None) -> str:
        """The chart as SVG markup; with ``attribution`` a standalone file (own styles, size, credit line)."""
        cid = escape(self.chart_id)
        credit = textwrap.wrap(attribution, ATTRIBUTION_CHARS)[:4] if attribution else []
        height = HEIGHT + (ATTRIBUTION_LINE * len(credit) + 6 if credit else 0)
        size = f' width="{WIDTH}" height="{height}"' if attribution else ""
        out = [
            f'<svg class="pt-chart" id="{cid}" viewBox="0 0 {WIDTH} {height}"{size} role="img" '
            f'aria-labelledby="{cid}-t {cid}-d" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{cid}-t">{escape(self.title)}</title>',
            f'<desc id="{cid}-d">{escape(self.desc)}</desc>',
        ]
        if attribution:
            out.append(f'<style>{STYLE}</style><rect width="{WIDTH}" height="{height}" fill="#ffffff"/>')
        out.append(self.body)
        for n, line in enumerate(credit):
            out.append(f'<text class="pt-axis" x="8" y="{HEIGHT + 12 + n * ATTRIBUTION_LINE}" style="font-size:11px">'
                       f'{escape(line)}</text>')
        out.append("</svg>")
        return "".join(out)


def line_chart(
    chart_id: str,
    periods: list[str],
    values: list[float | None],
    averages: list[float | None],
    title: str,
    desc: str,
    legend_provider: str,
    legend_average: str,
    attribution: str | None = None,
) -> str:
    """The chart as SVG markup; with ``attribution`` a standalone file (own styles, size, credit line)."""
    drawing = draw(chart_id, periods, values, averages, title, desc, legend_provider, legend_average)
    return drawing.svg(attribution) if drawing else ""


def draw(
    chart_id: str,
    periods: list[str],
    values: list[float | None],
    averages: list[float | None],
    title: str,
    desc: str,
    legend_provider: str,
    legend_average: str,
) -> Drawing | None:
    """The chart's drawing; None when there is nothing to draw (fewer than two periods, or no value)."""
    points = [v for v in values + averages if v is not None]
    if len(periods) < 2 or not points:
        return None
    low, high, step = axis_range(points)
    ticks = [low + i * step for i in range(int(round((high - low) / step)) + 1)]
    left = 10 + CHAR_W * max(len(_fmt(round(v, 1))) for v in ticks)
    plot_w, plot_h = WIDTH - left - RIGHT, HEIGHT - TOP - BOTTOM
    x_step = plot_w / (len(periods) - 1)

    def x(i: int) -> float:
        return left + i * x_step

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
    out = []
    for v in ticks:
        out.append(f'<line class="pt-grid" x1="{left:.1f}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>')
        out.append(f'<text class="pt-axis" x="{left - 5:.1f}" y="{y(v) + 5:.1f}" text-anchor="end">'
                   f'{escape(_fmt(round(v, 1)))}</text>')
    last = len(periods) - 1
    for i in label_positions(periods, x_step):
        anchor = "start" if i == 0 else "end" if i == last else "middle"
        out.append(f'<text class="pt-axis" x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}">'
                   f'{escape(periods[i])}</text>')
    has_avg = any(a is not None for a in averages)
    if has_avg:
        out.append(f'<path class="pt-avg" d="{path(averages)}"/>')
    # One path with a marker on every point keeps the element count (and the build time) small.
    out.append(f'<defs><marker id="{cid}-m" viewBox="0 0 6 6" refX="3" refY="3" markerWidth="7" markerHeight="7" '
               f'markerUnits="userSpaceOnUse"><circle cx="3" cy="3" r="3" fill="#1f4fbf"/></marker></defs>')
    marker = f'url(#{cid}-m)'
    out.append(f'<path class="pt-line" d="{path(values)}" marker-start="{marker}" marker-mid="{marker}" '
               f'marker-end="{marker}"/>')
    out.append(_legend(legend_provider, legend_average if has_avg else None))
    return Drawing(chart_id, title, desc, "".join(out))
