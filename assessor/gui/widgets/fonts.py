"""The bundled CJK font, registered with Qt so every laptop renders the same glyphs."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from assessor.core.paths import font_path
from assessor.gui.widgets.style import BASE_POINT_SIZE


def install_font(app: QApplication) -> str:
    """Register the bundled font and make it the app font; returns its family name.

    Raises RuntimeError when the font cannot be loaded: without it Chinese may render as
    boxes on a laptop that has no CJK font of its own, so the app must not silently go on.
    """
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        raise RuntimeError(f"无法加载内置字体：{font_path()}")
    font = QFont(families[0])
    font.setPointSizeF(BASE_POINT_SIZE)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    return families[0]
