"""Draws the application icon and writes it in the forms the packages need.

Run: .venv/bin/python -m assessor.devtools.icon   (writes assets/icons/)

The icon is drawn, not hand-edited, so it can be redrawn at any size: a house (a childcare
centre) on a teal tile with a gold check mark (an assessment passed). Qt paints it offscreen;
Pillow writes the multi-size Windows .ico and the macOS .icns from the largest PNG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[2] / "assets" / "icons"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
TEAL, WHITE, GOLD = "#2E7D6B", "#FFFFFF", "#F2C14E"


def draw(size: int) -> object:
    """The icon as a QImage of `size` × `size` pixels."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 100, size / 100)  # drawn on a 100 × 100 grid
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(4, 4, 92, 92), 20, 20)
    painter.fillPath(tile, QColor(TEAL))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(WHITE))
    roof = QPolygonF([QPointF(50, 16), QPointF(86, 46), QPointF(14, 46)])
    painter.drawPolygon(roof)
    painter.drawRoundedRect(QRectF(24, 44, 52, 38), 4, 4)
    pen = QPen(QColor(GOLD), 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    check = QPainterPath(QPointF(35, 62))
    check.lineTo(46, 72)
    check.lineTo(66, 52)
    painter.drawPath(check)
    painter.end()
    return image


def write_all(folder: Path = ICONS) -> list[Path]:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        path = folder / f"assessor-{size}.png"
        if not draw(size).save(str(path)):  # type: ignore[attr-defined]
            raise SystemExit(f"could not write {path}")
        written.append(path)
    largest = Image.open(folder / f"assessor-{PNG_SIZES[-1]}.png")
    largest.save(folder / "assessor.ico", sizes=[(s, s) for s in PNG_SIZES if s <= 256])
    largest.save(folder / "assessor.icns")
    written += [folder / "assessor.ico", folder / "assessor.icns"]
    return written


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in write_all():
        print(path.relative_to(ICONS.parents[1]))
