"""Per-dimension scores as a radar chart (bars when there are too few axes), with QPainter."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from assessor.gui.widgets.style import BLUE, BORDER


@dataclass(frozen=True)
class Axis:
    label: str
    score: float
    max: float

    @property
    def fraction(self) -> float:
        return max(0.0, min(1.0, self.score / self.max)) if self.max > 0 else 0.0


class RadarWidget(QWidget):
    """A radar of score/max per dimension; rings at 25 % steps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._axes: list[Axis] = []
        self._grid_cache: tuple[object, QPixmap] | None = None
        self.setMinimumSize(200, 170)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_axes(self, axes: list[Axis]) -> None:
        if axes != self._axes:
            self._axes = axes
            self.update()

    @property
    def axes(self) -> list[Axis]:
        return list(self._axes)

    def sizeHint(self) -> QSize:
        return QSize(300, 230)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(170, min(260, int(width * 0.78)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if len(self._axes) >= 3:
            self._paint_radar(painter)
        elif self._axes:
            self._paint_bars(painter)
        painter.end()

    def _geometry(self) -> tuple[QPointF, float]:
        metrics = QFontMetricsF(self.font())
        label_w = max(metrics.horizontalAdvance(a.label) for a in self._axes)
        rect = QRectF(self.rect())
        # Leave room for labels on every side so none is clipped at any window size.
        radius = max(
            20.0, min(rect.width() / 2 - label_w - 8, rect.height() / 2 - metrics.height() * 1.6)
        )
        return rect.center(), radius

    def _point(self, centre: QPointF, radius: float, i: int, fraction: float) -> QPointF:
        angle = -math.pi / 2 + 2 * math.pi * i / len(self._axes)
        return QPointF(
            centre.x() + math.cos(angle) * radius * fraction,
            centre.y() + math.sin(angle) * radius * fraction,
        )

    def _paint_radar(self, painter: QPainter) -> None:
        centre, radius = self._geometry()
        painter.drawPixmap(0, 0, self._grid(centre, radius))
        shape = QPolygonF(
            [self._point(centre, radius, i, a.fraction) for i, a in enumerate(self._axes)]
        )
        fill = QColor(BLUE)
        fill.setAlpha(70)
        painter.setBrush(fill)
        painter.setPen(QPen(QColor(BLUE), 2))
        painter.drawPolygon(shape)
        painter.setBrush(QColor(BLUE))
        for p in shape:
            painter.drawEllipse(p, 2.5, 2.5)

    def _grid(self, centre: QPointF, radius: float) -> QPixmap:
        """Rings, spokes and labels, drawn once per size: only the polygon changes per score."""
        ratio = self.devicePixelRatioF()
        key = (self.size().toTuple(), ratio, tuple(a.label for a in self._axes))
        if self._grid_cache is not None and self._grid_cache[0] == key:
            return self._grid_cache[1]
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        n = len(self._axes)
        painter.setPen(QPen(QColor(BORDER), 1))
        for ring in (0.25, 0.5, 0.75, 1.0):
            painter.drawPolygon(QPolygonF([self._point(centre, radius, i, ring) for i in range(n)]))
        for i in range(n):
            painter.drawLine(centre, self._point(centre, radius, i, 1.0))
        metrics = QFontMetricsF(self.font())
        painter.setPen(QColor("#1f2937"))
        for i, axis in enumerate(self._axes):
            anchor = self._point(centre, radius, i, 1.0)
            w, h = metrics.horizontalAdvance(axis.label), metrics.height()
            dx, dy = anchor.x() - centre.x(), anchor.y() - centre.y()
            if abs(dx) < 1:
                x = anchor.x() - w / 2
            else:
                x = anchor.x() + 6 if dx > 0 else anchor.x() - w - 6
            if dy < -radius * 0.9:
                y = anchor.y() - h - 2
            else:
                y = anchor.y() + 2 if dy > radius * 0.5 else anchor.y() - h / 2
            painter.drawText(QRectF(x, y, w, h), Qt.AlignmentFlag.AlignCenter, axis.label)
        painter.end()
        self._grid_cache = (key, pixmap)
        return pixmap

    def _paint_bars(self, painter: QPainter) -> None:
        metrics = QFontMetricsF(self.font())
        label_w = max(metrics.horizontalAdvance(a.label) for a in self._axes) + 8
        row = min(28.0, self.height() / len(self._axes))
        for i, axis in enumerate(self._axes):
            y = i * row + (row - 12) / 2
            painter.setPen(QColor("#1f2937"))
            painter.drawText(
                QRectF(0, i * row, label_w, row), Qt.AlignmentFlag.AlignVCenter, axis.label
            )
            track = QRectF(label_w, y, max(10.0, self.width() - label_w - 4), 12)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(BORDER))
            painter.drawRoundedRect(track, 3, 3)
            painter.setBrush(QColor(BLUE))
            painter.drawRoundedRect(QRectF(track.x(), y, track.width() * axis.fraction, 12), 3, 3)
