"""Every label and button of the Qt dialogs the app uses reads in Chinese (issue 9, item 7)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor.gui.widgets.dialogs import EVIDENCE_FILTER
from assessor.gui.widgets.translations import install_translations

# Latin letters are allowed in file patterns (*.jpg), paths and Qt's mnemonic markers (&O).
_ALLOWED = re.compile(r"\*\.\w+|/[^\s)]*|\(&\w\)|&")


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    installed = install_translations(qapp)
    yield
    for translator in installed:
        qapp.removeTranslator(translator)


def shown_texts(dialog: QWidget) -> list[str]:
    """Every label, button, combo entry, tool tip and column title a user can read."""
    texts = [dialog.windowTitle()]
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QHeaderView):
            model = widget.model()
            texts += [
                str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                for c in range(model.columnCount())
            ]
        texts.append(widget.toolTip())
    return [t for t in texts if t]


def english(texts: list[str]) -> list[str]:
    return [t for t in texts if re.search(r"[A-Za-z]", _ALLOWED.sub("", t))]


def file_dialog(mode: QFileDialog.FileMode, folder: Path) -> QFileDialog:
    dialog = QFileDialog(None, "选择文件", str(folder), EVIDENCE_FILTER)
    dialog.setFileMode(mode)
    # What Dialogs gets on a Linux desktop without a native dialog, and everywhere offscreen.
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    return dialog


@pytest.mark.parametrize(
    "mode", [QFileDialog.FileMode.ExistingFiles, QFileDialog.FileMode.Directory]
)
def test_the_file_dialog_has_no_english_left(
    qtbot: QtBot, chinese: None, tmp_path: Path, mode: QFileDialog.FileMode
) -> None:
    (tmp_path / "子文件夹").mkdir()
    (tmp_path / "照片.jpg").write_bytes(b"")
    dialog = file_dialog(mode, tmp_path)
    qtbot.addWidget(dialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = shown_texts(dialog)
    # Ours answers what Qt's catalog lacks, and leaves the rest to that catalog.
    assert {"查找范围(&L)：", "文件类型(&T)：", "取消", "后退", "名称"} <= set(texts)
    assert english(texts) == []
    # The type column of a folder, as the detail view lists it.
    view = dialog.findChild(QWidget, "treeView")
    model = view.model()
    qtbot.waitUntil(lambda: model.rowCount(view.rootIndex()) >= 1)
    types = {
        model.index(r, 2, view.rootIndex()).data() for r in range(model.rowCount(view.rootIndex()))
    }
    assert "文件夹" in types


def test_message_boxes_and_input_dialogs_have_no_english_left(qtbot: QtBot, chinese: None) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "确认", "继续吗？")
    box.setStandardButtons(
        QMessageBox.StandardButton.Ok
        | QMessageBox.StandardButton.Cancel
        | QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Close
    )
    text = QInputDialog()
    secret = QInputDialog()
    secret.setTextEchoMode(QLineEdit.EchoMode.Password)
    for dialog in (box, text, secret):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        texts = shown_texts(dialog)
        assert english(texts) == [], dialog
        assert "取消" in texts or "Cancel" in texts, texts
        dialog.done(QDialog.DialogCode.Rejected)
