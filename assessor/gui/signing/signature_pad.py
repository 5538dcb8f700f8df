"""A pad the assessor signs on by hand with the mouse, a pen or a finger; exported as a PNG."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from assessor.gui.widgets.style import BORDER, GREY, ems, tone

INK = QColor("#15245e")
INK_WIDTH = 2.6
# The exported image is drawn at twice the on-screen size so it stays sharp when the report
# scales it into the signature block.
EXPORT_SCALE = 2.0
MARGIN = 6.0


class SignatureCanvas(QWidget):
    """The drawing surface: each press–move–release is one stroke, kept as points."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strokes: list[list[QPointF]] = []
        self._drawing = False
        self.setMinimumSize(ems(self, 21), ems(self, 6.5))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("手写签名区")

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def is_empty(self) -> bool:
        return not self.strokes

    def clear(self) -> None:
        if self.strokes:
            self.strokes.clear()
            self.update()
            self.changed.emit()

    # ---- drawing ---------------------------------------------------------------------------

    # Pens and touch screens reach the widget as synthesised mouse events.
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._drawing = True
        self.strokes.append([event.position()])
        self.update()
        self.changed.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._drawing:
            return
        point = self._inside(event.position())
        if point != self.strokes[-1][-1]:
            self.strokes[-1].append(point)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drawing and event.button() == Qt.MouseButton.LeftButton:
            self._drawing = False

    def _inside(self, point: QPointF) -> QPointF:
        """Clamp to the pad: a stroke that leaves it continues along its edge."""
        return QPointF(
            min(max(point.x(), 0.0), float(self.width())),
            min(max(point.y(), 0.0), float(self.height())),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(BORDER), 1))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(frame, 4, 4)
        baseline = self.height() * 0.75
        painter.setPen(QPen(QColor(BORDER), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(12, baseline), QPointF(self.width() - 12, baseline))
        if not self.strokes:
            painter.setPen(QColor(GREY))
            painter.drawText(
                QRectF(0, 0, self.width(), baseline - 4),
                Qt.AlignmentFlag.AlignCenter,
                "在此处用鼠标或手写笔签名",
            )
        self._draw_ink(painter)
        painter.end()

    def _draw_ink(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(INK, INK_WIDTH, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for stroke in self.strokes:
            if len(stroke) == 1:
                painter.drawPoint(stroke[0])  # a tap is a dot, as on paper
                continue
            path = QPainterPath(stroke[0])
            for point in stroke[1:]:
                path.lineTo(point)
            painter.drawPath(path)

    # ---- export ----------------------------------------------------------------------------

    def png_bytes(self) -> bytes | None:
        """The ink on a transparent background, cropped to what was drawn; None when empty."""
        if not self.strokes:
            return None
        points = [p for stroke in self.strokes for p in stroke]
        pad = INK_WIDTH + MARGIN
        left = min(p.x() for p in points) - pad
        top = min(p.y() for p in points) - pad
        width = max(p.x() for p in points) + pad - left
        height = max(p.y() for p in points) + pad - top
        image = QImage(
            round(width * EXPORT_SCALE),
            round(height * EXPORT_SCALE),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.scale(EXPORT_SCALE, EXPORT_SCALE)
        painter.translate(-left, -top)
        self._draw_ink(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return data.data()


class SignaturePad(QWidget):
    """The canvas with a line of help and a 清除 button."""

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        hint: str = "可选：签名图片放在报告签名页的签署人一栏。",
    ) -> None:
        super().__init__(parent)
        self.canvas = SignatureCanvas()
        self.clear_button = QPushButton("清除")
        self.clear_button.setEnabled(False)
        self.clear_button.clicked.connect(self.canvas.clear)
        # Not word-wrapped: a wrapping label makes the pad's height depend on its width, and
        # the dialog then squeezes the canvas when an error line appears below it.
        hint_label = QLabel(hint)
        tone(hint_label, "muted")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(hint_label, 1)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        layout.addLayout(row)
        self.canvas.changed.connect(self._changed)

    def _changed(self) -> None:
        self.clear_button.setEnabled(not self.canvas.is_empty())
        self.changed.emit()

    def png_bytes(self) -> bytes | None:
        return self.canvas.png_bytes()
