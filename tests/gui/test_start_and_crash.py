"""One app per data folder, uncaught errors in a Chinese dialog, restored records on the home
screen."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from assessor.core.assessment.model import Centre
from assessor.core.logs import log_path
from assessor.core.rubric.deferred import DeferredRubric
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.storage.store import Store, record_key
from assessor.gui import app
from assessor.gui.main_window import MainWindow
from tests.gui.test_app import run_smoke
from tests.other_process import folder_held_elsewhere


def test_a_second_app_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with folder_held_elsewhere(data):
        done = run_smoke(data)
    assert done.returncode == 1
    assert done.stderr.startswith("错误：托育机构质量评估已经打开了这个数据文件夹")
    assert "Traceback" not in done.stderr


def test_the_refusal_is_shown_in_a_message_box(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shown: list[str] = []
    monkeypatch.setattr(app, "show_start_error", shown.append)
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(data))
    monkeypatch.delenv("ASSESSOR_SMOKE_TEST", raising=False)
    with folder_held_elsewhere(data):
        assert app.run_app(["assessor"]) == 1
    (message,) = shown
    assert "已经打开了这个数据文件夹" in message and str(data) in message


def test_a_broken_rubric_still_stops_the_app_once_its_window_is_up(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start only names the rubric; loading it right after the window shows checks it in
    full, and a broken one ends the app with the same refusal as before the window showed."""
    broken = tmp_path / "rubric.json"
    broken.write_text('{"code": "X", "title": "坏的", "version": "1"}', encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()  # not a first start: no sample is scored against the rubric
    shown: list[str] = []
    monkeypatch.setattr(app, "show_start_error", shown.append)
    monkeypatch.setattr(app, "deferred_default_rubric", lambda: DeferredRubric(broken))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(data))
    monkeypatch.delenv("ASSESSOR_SMOKE_TEST", raising=False)
    assert app.run_app(["assessor"]) == 1
    (message,) = shown
    assert message.startswith("程序无法启动") and str(broken) in message


def test_an_uncaught_error_shows_a_chinese_dialog_with_the_log_path(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(app, "show_crash", shown.append)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    app.install_crash_handler(log_path())

    def broken_slot() -> None:
        raise RuntimeError("bug in a slot 0451")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "程序出现了内部错误" in shown[0] and "已保存的评估内容不受影响" in shown[0]
    assert str(log_path()) in shown[0]
    logged = log_path().read_text(encoding="utf-8")
    assert "RuntimeError: bug in a slot 0451" in logged and "Traceback" in logged


def test_the_home_screen_says_which_record_was_restored_until_dismissed(
    store: Store,
    full_rubric: LoadedRubric,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
) -> None:
    session = EditingSession.create(store, full_rubric, centre=Centre(name="丙托育中心"))
    for indicator in full_rubric.indicators[:3]:
        session.set_score(indicator.id, indicator.max)
    key = record_key(session.assessment)
    record = store.root / "assessments" / key / "record.json"
    record.write_bytes(record.read_bytes()[:200])

    window = make_window(full_rubric)
    banner = window.home.recovery
    assert banner.isVisibleTo(window)
    assert f"评估记录「丙托育中心」（{key}）的数据文件已损坏" in banner.text()
    # The backup plus the journal bring back all three saves.
    assert "第 3 条审计记录" in banner.text()
    window.resize(1100, 500)
    window.grab().save(str(tmp_path / "home-recovery.png"))

    window.home.recovery_seen.click()
    assert not banner.isVisibleTo(window)
    assert store.list()[0].recovery is None
