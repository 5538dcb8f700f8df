"""备份 from the home screen: one checked archive that restores every assessment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.backup import restore_backup
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from tests.gui.helpers import FakeDialogs, press

CtrlShift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_the_backup_key_writes_an_archive_that_restores_every_assessment(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    tmp_path: Path,
) -> None:
    session = EditingSession.create(store, full_rubric)
    session.update_centre(name="甲托育")
    session.set_note(full_rubric.indicators[0].id, "消毒记录齐全")
    window = make_window(full_rubric)
    window.home.focus_list()
    usb = tmp_path / "usb"
    usb.mkdir()
    dialogs.folder = usb

    press(qtbot, Qt.Key.Key_B, CtrlShift)

    [archive] = usb.glob("托育评估备份-*.zip")
    title, text = dialogs.informed[-1]
    assert title == "备份完成" and str(archive) in text and "assessor restore" in text
    restore_backup(archive, tmp_path / "new-laptop")
    restored = Store(tmp_path / "new-laptop", read_only=True)
    assert [(s.key, s.centre_name) for s in restored.list()] == [(session.key, "甲托育")]
    assert restored.load(session.key).scores[0].note == "消毒记录齐全"


def test_a_backup_that_cannot_be_written_says_why_and_changes_nothing(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    tmp_path: Path,
) -> None:
    EditingSession.create(store, full_rubric).update_centre(name="乙托育")
    window = make_window(full_rubric)
    window.home.focus_list()
    before = {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file()}
    dialogs.folder = tmp_path / "pulled-out-usb"  # gone by the time it is written to

    press(qtbot, Qt.Key.Key_B, CtrlShift)

    [(title, text)] = dialogs.errors
    assert title == "备份失败" and "原有数据没有任何改动" in text
    assert {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file()} == before
