"""A horizontal bar chart drawn with QPainter (the app ships without Qt's chart add-on).

Bars on too few assessments are drawn pale with 「样本不足」, as every statistic is.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from assessor.core.register.stats_model import INSUFFICIENT
from assessor.gui.widgets.style import BLUE, BLUE_LIGHT, BORDER, GREY

ROW_EMS = 1.9  # bar row height in line heights
GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    caption: str  # shown after the bar: "82.5%（n=120）"
    colour: str = BLUE
    insufficient: bool = False


class BarChart(QWidget):
    """Bars of `value / scale`, one row each, labels on the left, captions on the right."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self._bars: list[Bar] = []
        self._scale = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setAccessibleName(title)

    def set_bars(self, bars: list[Bar], scale: float | None = None) -> None:
        self._bars = list(bars)
        self._scale = scale or max((b.value for b in bars), default=0.0) or 1.0
        self.setAccessibleDescription(
            "；".join(f"{b.label} {b.caption}" for b in self._bars) or "无数据"
        )
        self.updateGeometry()
        self.update()

    @property
    def bars(self) -> list[Bar]:
        return list(self._bars)

    def _row(self) -> float:
        return QFontMetricsF(self.font()).height() * ROW_EMS

    def sizeHint(self) -> QSize:
        rows = max(1, len(self._bars)) + 1
        return QSize(420, round(self._row() * rows + GAP))

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetricsF(self.font())
        row = self._row()
        width = float(self.width())
        painter.setPen(QColor(BLUE))
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.drawText(QRectF(0, 0, width, row), Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(self.font())
        if not self._bars:
            painter.setPen(QColor(GREY))
            painter.drawText(QRectF(0, row, width, row), Qt.AlignmentFlag.AlignVCenter, "无数据")
            painter.end()
            return
        label_w = min(
            width * 0.38, max(metrics.horizontalAdvance(b.label) for b in self._bars) + GAP
        )
        caption_w = max(metrics.horizontalAdvance(self._caption(b)) for b in self._bars) + GAP
        bar_w = max(20.0, width - label_w - caption_w)
        for n, bar in enumerate(self._bars):
            top = row * (n + 1)
            painter.setPen(QColor("#1a1a1a"))
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_w - GAP)
            painter.drawText(
                QRectF(0, top, label_w - GAP, row),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                label,
            )
            track = QRectF(label_w, top + row * 0.22, bar_w, row * 0.56)
            painter.fillRect(track, QColor(BLUE_LIGHT))
            fraction = max(0.0, min(1.0, bar.value / self._scale))
            fill = QColor(bar.colour)
            if bar.insufficient:
                fill.setAlpha(90)
            painter.fillRect(
                QRectF(track.left(), track.top(), bar_w * fraction, track.height()), fill
            )
            painter.setPen(QPen(QColor(BORDER), 1))
            painter.drawRect(track)
            painter.setPen(QColor(GREY if bar.insufficient else "#1a1a1a"))
            painter.drawText(
                QRectF(label_w + bar_w + GAP / 2, top, caption_w, row),
                Qt.AlignmentFlag.AlignVCenter,
                self._caption(bar),
            )
        painter.end()

    @staticmethod
    def _caption(bar: Bar) -> str:
        return f"{bar.caption} {INSUFFICIENT}" if bar.insufficient else bar.caption
