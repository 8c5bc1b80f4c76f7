"""The wiki's pictures as SVG files written at build time: no page needs the network.

Mermaid diagrams need a script that Material for MkDocs loads from a CDN; an internal
wiki often cannot reach it and then shows the diagram's source. The two pictures the
wiki has — the funnel and the maturity score over time — are simple enough to draw
here. Every text is XML-escaped, and the pages show the files with ``<img>``, where
an SVG runs no script.

Widths are estimated from the text (`_text_width`), not measured: the pictures scale
with the page (``viewBox``), so an estimate a little wide only leaves a margin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = ["Band", "Series", "funnel_svg", "score_chart_svg"]

FONT = "font-family=\"Roboto, 'Helvetica Neue', Arial, sans-serif\""
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#d1d5db"
BOX_FILL = "#e8eaf6"
BOX_EDGE = "#3949ab"
PALETTE = ("#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#6d4c41")
COMBINED = "#111827"
BAND_FILLS = ("#fdecea", "#fff4e5", "#e8f4fd", "#edf7ed", "#f3e8fd")


def _text_width(value: str, size: float) -> float:
    """About how wide `value` is in a sans-serif font of `size` pixels."""
    return sum(
        size * (0.32 if ch in "il.,:;'|!" else 0.6 if ch.isupper() else 0.52) for ch in value
    )


def _t(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" {FONT}>',
            f"<title>{_t(title)}</title>",
            *body,
            "</svg>",
            "",
        ]
    )


def funnel_svg(names: Sequence[str], title: str) -> str:
    """The funnel's stages as boxes from left to right, joined by arrows; a second row
    starts when a row would be wider than about 1,100 pixels."""
    size, pad, gap, height = 14.0, 14.0, 34.0, 44.0
    widths = [max(80.0, _text_width(name, size) + 2 * pad) for name in names]
    rows: list[list[int]] = [[]]
    x = 0.0
    for i, w in enumerate(widths):
        if rows[-1] and x + w > 1100:
            rows.append([])
            x = 0.0
        rows[-1].append(i)
        x += w + gap
    width = max(sum(widths[i] for i in row) + gap * (len(row) - 1) for row in rows) + 8
    total = len(rows) * height + (len(rows) - 1) * 30 + 8
    body = [
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' "
        f"markerHeight='7' orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='{MUTED}'/>"
        "</marker></defs>"
    ]
    places: list[tuple[float, float]] = []
    for r, row in enumerate(rows):
        x, y = 4.0, 4.0 + r * (height + 30)
        for i in row:
            places.append((x, y))
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{widths[i]:.1f}" height="{height}" '
                f'rx="8" fill="{BOX_FILL}" stroke="{BOX_EDGE}" stroke-width="1.5"/>'
            )
            body.append(
                f'<text x="{x + widths[i] / 2:.1f}" y="{y + height / 2 + size * 0.35:.1f}" '
                f'font-size="{size:.0f}" text-anchor="middle" fill="{INK}">{_t(names[i])}</text>'
            )
            x += widths[i] + gap
    for i in range(len(names) - 1):
        (x1, y1), (x2, y2) = places[i], places[i + 1]
        if y1 == y2:
            start, end = x1 + widths[i], x2
            body.append(
                f'<line x1="{start + 2:.1f}" y1="{y1 + height / 2:.1f}" x2="{end - 2:.1f}" '
                f'y2="{y2 + height / 2:.1f}" stroke="{MUTED}" stroke-width="1.5" '
                'marker-end="url(#arrow)"/>'
            )
        else:  # down to the next row's first box
            body.append(
                f'<path d="M{x1 + widths[i] / 2:.1f},{y1 + height:.1f} V{y1 + height + 15:.1f} '
                f'H{x2 + widths[i + 1] / 2:.1f} V{y2 - 2:.1f}" fill="none" stroke="{MUTED}" '
                'stroke-width="1.5" marker-end="url(#arrow)"/>'
            )
    return _svg(width, total, title, body)


@dataclass(frozen=True)
class Series:
    """One line of the chart: its name in the legend and a value per x label (None: no
    value there)."""

    name: str
    values: Sequence[int | None]
    combined: bool = False


@dataclass(frozen=True)
class Band:
    """A score range shaded behind the lines, named at the right edge."""

    low: int
    high: int
    name: str


def score_chart_svg(
    x_labels: Sequence[str],
    series: Sequence[Series],
    bands: Sequence[Band],
    *,
    y_max: int,
    y_label: str,
    title: str,
) -> str:
    """A line chart of scores: the bands shaded and named, both axes with their values,
    a marker on every value and a legend under the chart."""
    size = 12.0
    band_w = max((_text_width(b.name, size) for b in bands), default=0) + 16
    left, top, plot_w, plot_h = 56.0, 16.0, max(520.0, 110.0 * len(x_labels)), 240.0
    y_max = max(y_max, 1)

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    def x_of(i: int) -> float:
        if len(x_labels) == 1:
            return left + plot_w / 2
        return left + 30 + (plot_w - 60) * i / (len(x_labels) - 1)

    body: list[str] = []
    for n, band in enumerate(bands):
        low, high = max(band.low, 0), min(band.high, y_max)
        if high < low:
            continue
        y1, y2 = y_of(high + 0.5 if high < y_max else y_max), y_of(max(low - 0.5, 0))
        body.append(
            f'<rect x="{left:.1f}" y="{y1:.1f}" width="{plot_w:.1f}" height="{y2 - y1:.1f}" '
            f'fill="{BAND_FILLS[n % len(BAND_FILLS)]}"/>'
        )
        body.append(
            f'<text x="{left + plot_w + 8:.1f}" y="{(y1 + y2) / 2 + size * 0.35:.1f}" '
            f'font-size="{size:.0f}" fill="{MUTED}">{_t(band.name)}</text>'
        )
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000) if y_max / s <= 8)
    for v in range(0, y_max + 1, step):
        y = y_of(v)
        body.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{left - 6:.1f}" y="{y + size * 0.35:.1f}" font-size="{size:.0f}" '
            f'text-anchor="end" fill="{MUTED}">{v}</text>'
        )
    body.append(
        f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'font-size="{size:.0f}" text-anchor="middle" fill="{INK}">{_t(y_label)}</text>'
    )
    for i, label in enumerate(x_labels):
        body.append(
            f'<text x="{x_of(i):.1f}" y="{top + plot_h + 18:.1f}" font-size="{size:.0f}" '
            f'text-anchor="middle" fill="{INK}">{_t(label)}</text>'
        )
    body.append(
        f'<line x1="{left:.1f}" y1="{top + plot_h:.1f}" x2="{left + plot_w:.1f}" '
        f'y2="{top + plot_h:.1f}" stroke="{INK}" stroke-width="1"/>'
    )
    colors = []
    n = 0
    for s in series:
        if s.combined:
            colors.append(COMBINED)
        else:
            colors.append(PALETTE[n % len(PALETTE)])
            n += 1
    for s, color in zip(series, colors, strict=True):
        points = [(x_of(i), y_of(v)) for i, v in enumerate(s.values) if v is not None]
        width = 3.0 if s.combined else 2.0
        dash = ' stroke-dasharray="6 4"' if s.combined else ""
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" '
                f'stroke-width="{width}"{dash}/>'
            )
        for x, y in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"/>')
    # legend: one row, wrapping when wide
    legend_y = top + plot_h + 44
    x, width_all = left, left + plot_w + band_w
    rows = 1
    for s, color in zip(series, colors, strict=True):
        item = 34 + _text_width(s.name, size) + 18
        if x + item > width_all and x > left:
            x, rows = left, rows + 1
        y = legend_y + (rows - 1) * 20
        dash = ' stroke-dasharray="6 4"' if s.combined else ""
        body.append(
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 26:.1f}" y2="{y:.1f}" stroke="{color}" '
            f'stroke-width="{3 if s.combined else 2}"{dash}/>'
        )
        body.append(
            f'<text x="{x + 32:.1f}" y="{y + size * 0.35:.1f}" font-size="{size:.0f}" '
            f'fill="{INK}">{_t(s.name)}</text>'
        )
        x += item
    return _svg(width_all + 4, legend_y + (rows - 1) * 20 + 14, title, body)
