"""Colours, the app style sheet and number formatting shared by the widgets."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

# Point sizes, not pixels: Qt scales points with the screen's DPI.
BASE_POINT_SIZE = 10.5

BLUE = "#1f5fa8"
BLUE_LIGHT = "#e3edf9"
RED = "#c0392b"
RED_LIGHT = "#fdecea"
GREEN = "#2e7d32"
ORANGE = "#c25e00"
GREY = "#6b7280"
BORDER = "#c9d1dc"

STATUS_COLOURS = {"ok": GREEN, "fail": RED, "unknown": GREY}
STATUS_MARKS = {"ok": "✔", "fail": "✘", "unknown": "？"}

GRADE_COLOURS = {"A": "#1b7f3b", "B": "#2f6fb5", "C": "#b7791f", "D": RED}


def ems(widget: QWidget, count: float) -> int:
    """A length of `count` Chinese characters in the widget's font: sizes follow font and DPI."""
    return round(widget.fontMetrics().horizontalAdvance("汉") * count)


def points(value: float) -> str:
    """Points as an assessor writes them: 6, 2.5, never 6.0."""
    return f"{value:g}"


# Looks that need a style sheet, each scoped to the one widget that carries the role: a
# window-wide sheet would make every widget (the rubric tree, the summary) paint through
# Qt's slower style-sheet style on every score change.
_SHEETS = {
    "banner": f"#banner {{ background: {RED_LIGHT}; border: 1px solid {RED}; border-radius: 4px; }}",
    "badgeBasic": f"QLabel {{ color: white; background: {RED}; border-radius: 3px; padding: 1px 6px; }}",
    "badgeDrafted": f"QLabel {{ color: {GREY}; border: 1px solid {BORDER}; border-radius: 3px; padding: 1px 6px; }}",
    "readOnly": f"QLabel {{ color: {BLUE}; background: {BLUE_LIGHT}; border-radius: 4px; padding: 6px; }}",
    "conflict": f"QLabel {{ color: {ORANGE}; background: #fff8e6; border: 1px solid #e0b44c; border-radius: 4px; padding: 6px; }}",
    "recovery": (
        "#recovery { background: #fff8e6; border: 1px solid #e0b44c; border-radius: 4px;"
        " padding: 6px; }"
    ),
    "missing": "#missing { background: #fff8e6; border: 1px solid #e0b44c; border-radius: 4px; }",
    "field": f'QLineEdit[invalid="true"] {{ border: 1px solid {RED}; background: {RED_LIGHT}; }}',
    "level": (
        f"QPushButton {{ text-align: left; padding: 6px 10px; border: 1px solid {BORDER};"
        " border-radius: 4px; background: white; }"
        f" QPushButton:checked {{ background: {BLUE}; color: white; border-color: {BLUE}; }}"
        f" QPushButton:disabled {{ color: {GREY}; }}"
        " QPushButton:checked:disabled { background: #8aa6c8; color: white; }"
    ),
}
# Looks a palette and a font give, which costs nothing when painting.
_TEXT_COLOURS = {
    "muted": GREY,
    "sectionTitle": BLUE,
    "clause": BLUE,
    "fieldError": RED,
    "fieldHint": GREY,
    "bannerText": RED,
    "done": GREEN,
}
_BOLD = {"sectionTitle", "clause"}


def tone(widget: QWidget, role: str) -> None:
    """Give a widget the look of `role` (see the tables above)."""
    widget.setObjectName(role)
    if role in _SHEETS:
        widget.setStyleSheet(_SHEETS[role])
        return
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(_TEXT_COLOURS[role]))
    widget.setPalette(palette)
    if role in _BOLD:
        font = widget.font()
        font.setBold(True)
        widget.setFont(font)
