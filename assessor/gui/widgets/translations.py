"""Qt's own dialogs in Simplified Chinese: Qt's catalog, plus what that catalog lacks.

`qtbase_zh_CN` leaves a few strings of the dialogs we use in English (the file dialog's
「Look in」 and 「Files of type」 labels, the file type of folders and drives). A small
translator of our own answers those; every other string falls through to Qt's catalog.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtWidgets import QApplication

# (context, source text) → Chinese, as Qt asks for them; found by rendering each dialog.
MISSING: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
}


class MissingChinese(QTranslator):
    """Chinese for the strings in MISSING; for the rest, no answer, so Qt asks the next
    translator (None becomes a null string: an empty one would blank every other label)."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return MISSING.get((context, source))

    def isEmpty(self) -> bool:
        return False


def install_translations(app: QApplication) -> list[QObject]:
    """Install Qt's Chinese catalog when shipped, then ours, which Qt asks first."""
    installed: list[QObject] = []
    qt_catalog = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_catalog.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
    ):
        app.installTranslator(qt_catalog)
        installed.append(qt_catalog)
    ours = MissingChinese(app)
    app.installTranslator(ours)
    installed.append(ours)
    return installed
