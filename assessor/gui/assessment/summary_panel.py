"""The always-visible summary: grade so far, total, progress, radar, dimensions, vetoes."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.result import Result
from assessor.gui.assessment.meter import MeterBar
from assessor.gui.assessment.radar_widget import Axis, RadarWidget
from assessor.gui.widgets.style import GRADE_COLOURS, GREY, RED, points, tone

_VETO_LABELS = {"met": "达标", "unmet": "未达标", "unscored": "未评分", "na": "不适用"}


class SummaryPanel(QScrollArea):
    """Shows a `Result`; `show_result` only sets texts and values, so it is cheap enough to
    run on every change."""

    indicatorLinkActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(250)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)

        head = QHBoxLayout()
        self.grade = QLabel("—")
        self._grade_colour = ""
        self.grade.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grade.setMinimumSize(64, 64)
        grade_font = self.grade.font()
        grade_font.setPointSizeF(grade_font.pointSizeF() * 2.6)
        grade_font.setBold(True)
        self.grade.setFont(grade_font)
        head.addWidget(self.grade)
        right = QVBoxLayout()
        self.grade_label = QLabel()
        label_font = self.grade_label.font()
        label_font.setPointSizeF(label_font.pointSizeF() * 1.2)
        label_font.setBold(True)
        self.grade_label.setFont(label_font)
        self.total = QLabel()
        total_font = self.total.font()
        total_font.setPointSizeF(total_font.pointSizeF() * 1.15)
        self.total.setFont(total_font)
        right.addWidget(self.grade_label)
        right.addWidget(self.total)
        head.addLayout(right, 1)
        layout.addLayout(head)

        self.progress = MeterBar(thick=True)
        layout.addWidget(self.progress)

        self.radar = RadarWidget()
        layout.addWidget(self.radar)

        self._dimension_grid = QGridLayout()
        self._dimension_grid.setHorizontalSpacing(6)
        self._dimension_grid.setVerticalSpacing(2)
        self._dimension_rows: list[tuple[QLabel, MeterBar, QLabel]] = []
        layout.addLayout(self._dimension_grid)

        self.vetoes = QLabel()
        self.vetoes.setWordWrap(True)
        self.vetoes.setTextFormat(Qt.TextFormat.RichText)
        self.vetoes.linkActivated.connect(self.indicatorLinkActivated)
        layout.addWidget(self.vetoes)

        title = QLabel("等级说明")
        tone(title, "sectionTitle")
        layout.addWidget(title)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.reasons)
        layout.addStretch(1)
        self.setWidget(body)

    def set_rubric(self, rubric: LoadedRubric) -> None:
        """Build one row per dimension; later updates only change their values."""
        for widgets in self._dimension_rows:
            for w in widgets:
                w.deleteLater()
        self._dimension_rows = []
        for row, dim in enumerate(rubric.rubric.dimensions):
            name = QLabel(dim.name)
            bar = MeterBar()
            value = QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            # Wide enough for any score: a column that grows with the text would move every
            # row of the grid on a score change.
            widest = f"{points(dim.max - 0.5)}/{points(dim.max)}"
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance(widest) + 4)
            self._dimension_grid.addWidget(name, row, 0)
            self._dimension_grid.addWidget(bar, row, 1)
            self._dimension_grid.addWidget(value, row, 2)
            self._dimension_rows.append((name, bar, value))
        self._dimension_grid.setColumnStretch(1, 1)

    def show_result(self, result: Result, final: bool = False) -> None:
        e = result.explanation
        _text(self.grade, e.grade)
        colour = GRADE_COLOURS.get(e.grade, GREY)
        if colour != self._grade_colour:
            # Re-polishing a style sheet is the slowest part of an update; do it only when
            # the grade's colour really changes.
            self._grade_colour = colour
            self.grade.setStyleSheet(
                f"color: white; background: {colour}; border-radius: 8px; padding: 4px;"
            )
        status = "（最终）" if final else ("（预测）" if e.predicted else "")
        _text(self.grade_label, f"{e.label}{status}")
        _text(self.total, f"总分 {points(result.total)} / {points(result.max)}")
        c = result.completeness
        self.progress.set_value(
            c.scored / c.total if c.total else 1.0, f"已评 {c.scored} / {c.total}（{c.percent}%）"
        )

        self.radar.set_axes([Axis(d.name, d.score, d.max) for d in result.dimensions])
        for (_, bar, value), dim in zip(self._dimension_rows, result.dimensions, strict=True):
            bar.set_value(dim.score / dim.max if dim.max else 0.0)
            _text(value, f"{points(dim.score)}/{points(dim.max)}")
            value.setToolTip(f"已评 {dim.scored}/{dim.indicators} 项")

        counts = {k: 0 for k in _VETO_LABELS}
        for v in result.vetoes:
            counts[v.status] += 1
        summary = "，".join(f"{_VETO_LABELS[k]} {n}" for k, n in counts.items() if n)
        lines = [f"<b>基础指标（否决项）</b>：{summary or '无'}"]
        lines += [
            f"<br><a href='{escape(v.indicator)}' style='color:{RED}'>✘ {escape(v.indicator)}"
            f" {escape(v.short)}</a>"
            for v in result.vetoes
            if v.status == "unmet"
        ]
        _text(self.vetoes, "".join(lines))
        _text(self.reasons, "\n".join(f"· {r}" for r in e.reasons))


def _text(label: QLabel, text: str) -> None:
    # Skipping unchanged text avoids a relayout (and repaint) of the whole panel.
    if label.text() != text:
        label.setText(text)
