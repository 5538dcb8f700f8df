"""GUI preferences (last export folder, window geometry), kept in the data folder.

Kept with the data they belong to rather than in the user's profile, so a trainer's class
folder (`$ASSESSOR_DATA_DIR`) carries its own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QMargins, QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SETTINGS_FILE = "gui.ini"
GEOMETRY = "window/geometry"


def settings(root: Path) -> QSettings:
    return QSettings(str(root / SETTINGS_FILE), QSettings.Format.IniFormat)


def restore_geometry(window: QWidget, root: Path) -> bool:
    """The last geometry when it still fits a screen (True), else (False) the available
    screen with room guessed for the title bar; `fit_frame_to_screen` corrects the guess
    once the window is framed."""
    saved = settings(root).value(GEOMETRY)
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved):
        return True
    # Only a start without saved geometry needs QStyle, whose ~20 enum types PySide6 builds
    # when the class is first imported (~5 ms).
    from PySide6.QtWidgets import QStyle

    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        title = window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight)
        window.resize(area.width(), area.height() - title)
        # A top-level window's position is its frame's: the title bar starts on screen.
        window.move(area.topLeft())
    return False


def client_geometry(area: QRect, frame: QMargins) -> QRect:
    """The window's own rectangle for which its frame (title bar, borders) fills `area`."""
    return area.marginsRemoved(frame)


def fit_frame_to_screen(window: QWidget) -> None:
    """Shrink and move a shown window so that its frame, title bar included, lies inside
    the available screen: sized to the whole screen, a framed window's title bar sat above
    it and its close button could not be reached."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame, inside = window.frameGeometry(), window.geometry()
    if area.contains(frame):
        return
    margins = QMargins(
        inside.left() - frame.left(),
        inside.top() - frame.top(),
        frame.right() - inside.right(),
        frame.bottom() - inside.bottom(),
    )
    window.setGeometry(client_geometry(area, margins))


def save_geometry(window: QWidget, root: Path) -> None:
    settings(root).setValue(GEOMETRY, window.saveGeometry())
