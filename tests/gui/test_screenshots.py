"""Home, profile, scoring, summary and the sign dialog (form and result) render offscreen at
1366×768 with every glyph in the bundled font (so no laptop shows boxes for missing
characters)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor.core.paths import font_path
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.store import Store
from assessor.devtools.samples import create_newcomer_sample
from assessor.gui.main_window import MainWindow

SIZE = (1366, 768)
_TAG = re.compile(r"<[^>]+>")


def texts(root: QWidget) -> Iterator[str]:
    """Every string a widget tree can show: labels, buttons, fields, titles, model cells."""
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, QLabel):
            yield _TAG.sub("", w.text())
        elif isinstance(w, QAbstractButton):
            yield w.text()
        elif isinstance(w, QLineEdit):
            yield w.text() + w.placeholderText()
        elif isinstance(w, QPlainTextEdit):
            yield w.toPlainText() + w.placeholderText()
        elif isinstance(w, QGroupBox | QDockWidget):
            yield w.title() if isinstance(w, QGroupBox) else w.windowTitle()
        elif isinstance(w, QTabWidget):
            yield from (w.tabText(i) for i in range(w.count()))
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            yield from model_texts(w.model())
        yield w.toolTip()


def model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[str]:
    if parent is None:
        parent = QModelIndex()
    # List models hide columnCount; they have one column.
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
    for column in range(columns):
        yield str(model.headerData(column, Qt.Orientation.Horizontal) or "")
    for row in range(model.rowCount(parent)):
        for column in range(columns):
            index = model.index(row, column, parent)
            yield str(index.data() or "") + str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
        yield from model_texts(model, model.index(row, 0, parent))


@pytest.fixture(scope="module")
def font_characters() -> set[int]:
    return set(TTFont(str(font_path())).getBestCmap())


def shoot(qtbot: QtBot, widget: QWidget, path: Path) -> QImage:
    qtbot.wait(100)  # word-wrapped labels in scroll areas settle over a few layout passes
    assert widget.grab().save(str(path))
    return QImage(str(path))


def test_the_screens_render_with_chinese_text_and_no_missing_glyphs(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    tmp_path: Path,
    font_characters: set[int],
    app_font: str,
) -> None:
    sample = create_newcomer_sample(store, full_rubric)
    for n, ind in enumerate(full_rubric.indicators[:60]):
        sample.set_score(ind.id, ind.levels[n % len(ind.levels)].points)
    sample.set_note(full_rubric.indicators[0].id, "营业执照原件已核验，有效期至 2027 年。")
    window = make_window(full_rubric)
    window.resize(*SIZE)
    window.help.show()
    seen: list[str] = list(texts(window))
    window.help.hide()

    shots = {"home": shoot(qtbot, window, tmp_path / "home.png")}
    window.open_assessment(sample.key)
    workspace = window.workspace
    workspace.tabs.setCurrentWidget(workspace.profile)
    shots["profile"] = shoot(qtbot, window, tmp_path / "profile.png")
    seen += texts(window)
    workspace.show_indicator(full_rubric.basic_indicators[0].id)
    shots["scoring"] = shoot(qtbot, window, tmp_path / "scoring.png")
    seen += texts(window)
    shots["summary"] = shoot(qtbot, workspace.summary, tmp_path / "summary.png")
    workspace.finalise()  # blocked: shows the missing list
    seen += texts(window)

    # Complete and finalise it: the sign dialog opens; sign with the training key.
    session = window.controller.session
    for ind in full_rubric.indicators[60:]:
        session.set_score(ind.id, ind.levels[0].points)
    session.update_visit(date="2024-05-06")
    workspace.finalise()
    dialog = window.sign_dialog
    assert dialog is not None
    dialog.folder.setText(str(tmp_path / "export"))
    shots["sign"] = shoot(qtbot, dialog, tmp_path / "sign.png")
    seen += texts(dialog)
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.start()
    shots["signed"] = shoot(qtbot, dialog, tmp_path / "signed.png")
    seen += texts(dialog)

    ratio = window.devicePixelRatioF()
    for name, image in shots.items():
        assert not image.isNull(), name
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 7)
            for y in range(0, image.height(), 7)
        }
        assert len(colours) > 20, f"{name} looks blank"
    assert (shots["home"].width(), shots["home"].height()) == (
        round(SIZE[0] * ratio),
        round(SIZE[1] * ratio),
    )

    assert window.font().family() == app_font
    shown = "".join(seen)
    assert "托育机构质量评估" in shown and "示例：阳光宝贝托育中心" in shown
    missing = sorted({c for c in shown if ord(c) not in font_characters and not c.isspace()})
    assert missing == [], f"characters the bundled font cannot draw: {missing}"
