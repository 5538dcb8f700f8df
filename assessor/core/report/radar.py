"""The dimension chart: a radar of score rates beside per-dimension bars, as vector graphics."""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors

from assessor.core.report.fonts import fitted_size, register_fonts
from assessor.core.report.styles import ACCENT, INK, MUTED, PALE, PRIMARY, RULE
from assessor.core.report.text import points
from assessor.core.scoring.result import DimensionResult

RADIUS = 80
RADAR_CX = 132
MIN_AXES = 3  # fewer dimensions make no polygon; the bars alone show them
LABEL_SIZE = 8.5
BARS_X = 290
BAR_ROW = 29


def _rate(dim: DimensionResult) -> float:
    """Share of the applicable points earned: comparable across dimensions with and without
    not-applicable indicators, under either N/A rule."""
    if dim.applicable_max <= 0:
        return 1.0
    return max(0.0, min(1.0, dim.earned / dim.applicable_max))


def _axis_point(n: int, count: int, r: float, cy: float) -> tuple[float, float]:
    # First axis points straight up, the rest follow clockwise like a clock face.
    angle = math.pi / 2 - 2 * math.pi * n / count
    return RADAR_CX + r * math.cos(angle), cy + r * math.sin(angle)


def _radar(drawing: Drawing, dims: list[DimensionResult], font: str) -> None:
    count = len(dims)
    cy = drawing.height / 2
    for ring in (0.2, 0.4, 0.6, 0.8, 1.0):
        pts = [c for n in range(count) for c in _axis_point(n, count, RADIUS * ring, cy)]
        drawing.add(
            Polygon(
                pts,
                fillColor=PALE if ring == 1.0 else None,
                strokeColor=RULE,
                strokeWidth=0.8 if ring == 1.0 else 0.4,
            )
        )
        x, y = _axis_point(0, count, RADIUS * ring, cy)
        drawing.add(
            String(
                x + 2, y + 1, f"{round(ring * 100)}%", fontName=font, fontSize=6, fillColor=MUTED
            )
        )
    for n in range(count):
        x, y = _axis_point(n, count, RADIUS, cy)
        drawing.add(Line(RADAR_CX, cy, x, y, strokeColor=RULE, strokeWidth=0.4))
    data = [c for n, d in enumerate(dims) for c in _axis_point(n, count, RADIUS * _rate(d), cy)]
    drawing.add(
        Polygon(
            data,
            fillColor=colors.Color(ACCENT.red, ACCENT.green, ACCENT.blue, alpha=0.28),
            strokeColor=ACCENT,
            strokeWidth=1.4,
        )
    )
    for n, d in enumerate(dims):
        x, y = _axis_point(n, count, RADIUS * _rate(d), cy)
        drawing.add(Circle(x, y, 2, fillColor=ACCENT, strokeColor=colors.white, strokeWidth=0.5))
    for n, d in enumerate(dims):
        x, y = _axis_point(n, count, RADIUS + 9, cy)
        dx = x - RADAR_CX
        anchor = "middle" if abs(dx) < 4 else ("start" if dx > 0 else "end")
        room = (RADAR_CX * 2 - x) if anchor == "start" else x if anchor == "end" else 2 * RADAR_CX
        # Long dimension names from another rubric shrink rather than run off the drawing.
        size = fitted_size(d.name, LABEL_SIZE, room - 2, 6)
        # Labels above the centre stack upwards from their point, lower ones hang below it.
        if y > cy + 4:
            pct_base, name_base = y + 3, y + 11
        elif y < cy - 4:
            name_base = y - size - 1
            pct_base = name_base - 8.5
        else:
            name_base, pct_base = y + 1, y - 8
        drawing.add(
            String(
                x, name_base, d.name, fontName=font, fontSize=size, fillColor=INK, textAnchor=anchor
            )
        )
        drawing.add(
            String(
                x,
                pct_base,
                f"{100 * _rate(d):.0f}%",
                fontName=font,
                fontSize=7,
                fillColor=ACCENT,
                textAnchor=anchor,
            )
        )


def _bars(drawing: Drawing, dims: list[DimensionResult], font: str, width: float) -> None:
    bar_width = width - BARS_X - 58
    top = drawing.height - 14
    drawing.add(String(BARS_X, top, "各维度得分率", fontName=font, fontSize=9, fillColor=PRIMARY))
    for n, d in enumerate(dims):
        y = top - 18 - n * BAR_ROW
        label = f"{d.id} {d.name}"
        size = fitted_size(label, LABEL_SIZE, width - BARS_X, 6)
        drawing.add(String(BARS_X, y, label, fontName=font, fontSize=size, fillColor=INK))
        drawing.add(Rect(BARS_X, y - 12, bar_width, 8, fillColor=PALE, strokeColor=None))
        drawing.add(
            Rect(BARS_X, y - 12, bar_width * _rate(d), 8, fillColor=ACCENT, strokeColor=None)
        )
        drawing.add(
            String(
                BARS_X + bar_width + 4,
                y - 11,
                f"{points(d.score)}/{points(d.max)}",
                fontName=font,
                fontSize=7.5,
                fillColor=MUTED,
            )
        )


def dimension_chart(dims: list[DimensionResult], width: float) -> Drawing:
    font = register_fonts()
    drawing = Drawing(width, max(236, 36 + BAR_ROW * len(dims)))
    # The renderer otherwise starts from Helvetica, which would be named (unembedded) in the PDF.
    drawing.initialFontName = font
    if len(dims) >= MIN_AXES:
        _radar(drawing, dims, font)
    _bars(drawing, dims, font, width)
    return drawing
