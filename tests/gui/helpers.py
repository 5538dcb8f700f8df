"""Helpers for driving the real widgets from tests: fake dialogs and keyboard input."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor.core.assessment.uscc import check_character
from assessor.gui.widgets.dialogs import Dialogs

USCC_BODY = "91110105MA01ABCD2"
USCC = USCC_BODY + check_character(USCC_BODY)


class FakeDialogs(Dialogs):
    """Answers every question without a modal loop and remembers what was asked."""

    def __init__(self) -> None:
        super().__init__(None)
        self.answer = True
        self.files: list[Path] = []
        self.asked: list[tuple[str, str]] = []
        self.errors: list[tuple[str, str]] = []
        self.informed: list[tuple[str, str]] = []
        self.key_file: Path | None = None
        self.folder: Path | None = None
        self.secret: str | None = None  # a typed passphrase; None cancels
        self.text: str | None = None  # a typed reason; None cancels
        self.texts: list[str | None] = []  # answers given before `text`, one per question
        self.presented: list[QDialog] = []
        self.opened: list[Path] = []
        self.zips: list[Path] = []
        self.ca_file: Path | None = None
        self.crl_files: list[Path] = []
        self.save_path: Path | None = None
        self.plan_package: Path | None = None
        self.followup_task: Path | None = None

    def confirm(self, title: str, text: str, accept: str = "确定", reject: str = "取消") -> bool:
        self.asked.append((title, text))
        return self.answer

    def inform(self, title: str, text: str) -> None:
        self.informed.append((title, text))

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def choose_files(self, title: str) -> list[Path]:
        return list(self.files)

    def choose_key_file(self, title: str) -> Path | None:
        return self.key_file

    def choose_folder(self, title: str, start: Path) -> Path | None:
        return self.folder

    def choose_zips(self, title: str) -> list[Path]:
        return list(self.zips)

    def choose_ca_file(self, title: str) -> Path | None:
        return self.ca_file

    def choose_crl_files(self, title: str) -> list[Path]:
        return list(self.crl_files)

    def choose_save_path(self, title: str, suggested: Path, file_filter: str) -> Path | None:
        return self.save_path

    def choose_plan_package(self, title: str) -> Path | None:
        return self.plan_package

    def choose_followup_task(self, title: str) -> Path | None:
        return self.followup_task

    def ask_secret(self, title: str, label: str) -> str | None:
        self.asked.append((title, label))
        return self.secret

    def ask_text(self, title: str, label: str, current: str = "") -> str | None:
        self.asked.append((title, label))
        return self.texts.pop(0) if self.texts else self.text

    def present(self, dialog: QDialog) -> None:
        """Shown without window modality, so the test keeps driving both windows."""
        self.presented.append(dialog)
        dialog.show()

    def open_folder(self, folder: Path) -> bool:
        self.opened.append(folder)
        return True


def focus(qtbot: QtBot) -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "keyboard focus is lost"
    return widget


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key press where the keyboard focus is, as the assessor's keyboard would send it."""
    qtbot.keyClick(focus(qtbot), key, modifier)


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """ASCII by real key clicks (Chinese would abort Qt's test key mapper; use setText)."""
    assert text.isascii()
    edit.setFocus()
    edit.clear()
    qtbot.keyClicks(edit, text)


def edit_cell(qtbot: QtBot, view: QTableView, row: int, column: int, text: str) -> None:
    """Edit a table cell through its real editor, committed with Enter."""
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    if isinstance(editor, QComboBox):
        editor.setCurrentIndex(editor.findText(text))
    else:
        assert isinstance(editor, QLineEdit)
        editor.setText(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits through a queued call once Enter is handled.
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
