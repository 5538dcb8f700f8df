"""Charts of the statistics report, drawn like the assessment report's (vector graphics)."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Rect, String

from assessor.core.register.stats_model import INSUFFICIENT, GradeDistribution
from assessor.core.report.fonts import register_fonts
from assessor.core.report.styles import ACCENT, INK, MUTED, PALE, PRIMARY

BAR_ROW = 24
LABEL_WIDTH = 46


def grade_chart(grades: GradeDistribution, width: float) -> Drawing:
    """One horizontal bar per grade, its length the share of assessments."""
    font = register_fonts()
    rows = grades.grades
    drawing = Drawing(width, 26 + BAR_ROW * max(1, len(rows)))
    drawing.initialFontName = font  # otherwise Helvetica is named (unembedded) in the PDF
    top = drawing.height - 12
    title = "等级分布" + (f"（{INSUFFICIENT}）" if grades.insufficient else "")
    drawing.add(String(0, top, title, fontName=font, fontSize=9, fillColor=PRIMARY))
    bar_width = width - LABEL_WIDTH - 110
    most = max((g.count for g in rows), default=0) or 1
    for n, g in enumerate(rows):
        y = top - 20 - n * BAR_ROW
        drawing.add(String(0, y, f"{g.grade} 级", fontName=font, fontSize=9, fillColor=INK))
        drawing.add(Rect(LABEL_WIDTH, y - 3, bar_width, 12, fillColor=PALE, strokeColor=None))
        drawing.add(
            Rect(
                LABEL_WIDTH,
                y - 3,
                bar_width * g.count / most,
                12,
                fillColor=ACCENT,
                strokeColor=None,
            )
        )
        share = f"{g.percent}%" if g.percent is not None else "—"
        drawing.add(
            String(
                LABEL_WIDTH + bar_width + 6,
                y,
                f"{g.count} 份（{share}）",
                fontName=font,
                fontSize=8,
                fillColor=MUTED,
            )
        )
    return drawing
