"""Charts drawn on the server as inline SVG (no JavaScript, no CDN): horizontal bars and a heat
map. Every label is escaped here; what comes out is safe to put in a page as it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#417690"  # the admin's own blue
HEAT_RGB = (65, 118, 144)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as the reader reads it ("12", "48 %", "1 234,50 EUR")


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="12"><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text escaped above


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 560) -> SafeString:
    """One horizontal bar per entry, scaled to the largest value, its figure at its end."""
    label_width, row, bar_room = 180, 22, width - 180 - 110
    top = max((bar.value for bar in bars), default=0) or 1
    body: list[str] = []
    for index, bar in enumerate(bars):
        y = index * row
        length = max(0.0, bar.value) / top * bar_room
        body.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(bar.label[:28])}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{BAR_COLOUR}"><title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}">{escape(bar.shown)}</text>'
        )
    return _svg(width, max(row, len(bars) * row), title, body)


def heat_map(
    grid: Sequence[Sequence[int]],
    *,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    title: str,
) -> SafeString:
    """A cell per (row, column), darker for larger counts; each cell tells its count on hover."""
    cell, left, top_margin = 20, 40, 18
    columns = max((len(row) for row in grid), default=0)
    peak = max((value for row in grid for value in row), default=0) or 1
    red, green, blue = HEAT_RGB
    body: list[str] = [
        f'<text x="{left + index * cell + cell / 2:.0f}" y="12" text-anchor="middle" '
        f'font-size="10">{escape(label)}</text>'
        for index, label in enumerate(column_labels)
        if index % 2 == 0
    ]
    for r, (label, values) in enumerate(zip(row_labels, grid, strict=True)):
        y = top_margin + r * cell
        body.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>')
        for c, value in enumerate(values):
            opacity = 0.06 + 0.94 * value / peak if value else 0.03
            body.append(
                f'<rect x="{left + c * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="rgb({red},{green},{blue})" fill-opacity="{opacity:.2f}" '
                f'data-count="{value}"><title>{escape(label)} {escape(column_labels[c])}: '
                f"{value}</title></rect>"
            )
    return _svg(left + columns * cell + 4, top_margin + len(grid) * cell + 4, title, body)
