"""A flat bar with optional text, painted on demand.

Used for progress and per-dimension bars instead of QProgressBar, which repaints itself
synchronously on every value change: with nine bars that alone cost more than a frame.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from assessor.gui.widgets.style import BLUE, BORDER


class MeterBar(QWidget):
    def __init__(self, thick: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fraction = 0.0
        self._text = ""
        self._thick = thick
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, fraction: float, text: str = "") -> None:
        fraction = max(0.0, min(1.0, fraction))
        if (fraction, text) != (self._fraction, self._text):
            self._fraction, self._text = fraction, text
            self.update()

    @property
    def fraction(self) -> float:
        return self._fraction

    @property
    def text(self) -> str:
        return self._text

    def sizeHint(self) -> QSize:
        height = self.fontMetrics().height() + 8 if self._thick else 10
        return QSize(120, height)

    def minimumSizeHint(self) -> QSize:
        return QSize(40, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_meter(painter, QRectF(self.rect()), self._fraction, self._text)
        painter.end()


def paint_meter(painter: QPainter, rect: QRectF, fraction: float, text: str = "") -> None:
    """A rounded track, filled to `fraction`, with `text` centred; shared with table cells."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    track = rect.adjusted(0.5, 0.5, -0.5, -0.5)
    radius = min(4.0, track.height() / 2)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(BORDER))
    painter.drawRoundedRect(track, radius, radius)
    if fraction > 0:
        fill = QRectF(track.x(), track.y(), track.width() * fraction, track.height())
        painter.setBrush(QColor(BLUE))
        painter.drawRoundedRect(fill, radius, radius)
    if text:
        # Dark text with a light halo reads on both the filled and the empty part.
        painter.setPen(QColor("white"))
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            painter.drawText(track.translated(dx, dy), Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(QColor("#1f2937"))
        painter.drawText(track, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
