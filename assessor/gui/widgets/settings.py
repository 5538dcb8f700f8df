"""GUI preferences (last export folder, window geometry), kept in the data folder.

Kept with the data they belong to rather than in the user's profile, so a trainer's class
folder (`$ASSESSOR_DATA_DIR`) carries its own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SETTINGS_FILE = "gui.ini"
GEOMETRY = "window/geometry"


def settings(root: Path) -> QSettings:
    return QSettings(str(root / SETTINGS_FILE), QSettings.Format.IniFormat)


def restore_geometry(window: QWidget, root: Path) -> None:
    """The last geometry when it still fits a screen, else the whole available screen."""
    saved = settings(root).value(GEOMETRY)
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved):
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(screen.availableGeometry())


def save_geometry(window: QWidget, root: Path) -> None:
    settings(root).setValue(GEOMETRY, window.saveGeometry())
