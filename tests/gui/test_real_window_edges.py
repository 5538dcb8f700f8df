"""What a walkthrough in a real window found (1366×768, 1024×600, 150% scaling, under a window
manager), each driven through the real widgets. 150% on a 1366×768 screen is a window of
911×512 logical pixels, which is what these tests give the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMargins, QPoint, QRect, Qt
from PySide6.QtWidgets import QFileDialog, QHeaderView, QTableView, QWidget
from pytestqt.qtbot import QtBot

from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.store import Store
from assessor.core.training.practice import start_practice
from assessor.core.training.results import trainee_of
from assessor.core.training.sample import load_sample
from assessor.gui.main_window import MainWindow
from assessor.gui.training.practice_screen import PracticeScreen
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.settings import client_geometry, fit_frame_to_screen
from tests.gui.helpers import FakeDialogs, focus, press

CtrlShift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
AT_150 = (911, 512)
SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "samples" / "gulou-public-a.json"


def _settle(qtbot: QtBot) -> None:
    qtbot.wait(50)  # word-wrapped labels and scroll areas settle over a few layout passes


# ---- first start ---------------------------------------------------------------------------


def test_a_first_start_opens_with_the_whole_frame_on_the_available_screen(
    make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, monkeypatch
) -> None:
    window = make_window(small_rubric)
    area = window.screen().availableGeometry()
    assert area.contains(window.frameGeometry()), "title bar and borders on the screen"
    assert window.frameGeometry().topLeft() == area.topLeft()

    # Under a window manager: a 30-pixel title bar and 1-pixel borders around the window.
    frame = QMargins(1, 30, 1, 1)
    monkeypatch.setattr(window, "frameGeometry", lambda: window.geometry().marginsAdded(frame))
    window.setGeometry(area)  # what the first start did: the title bar above the screen
    fit_frame_to_screen(window)
    assert window.geometry() == client_geometry(area, frame)
    assert window.frameGeometry() == area


def test_the_client_rectangle_leaves_room_for_the_frame() -> None:
    area = QRect(0, 0, 1366, 728)
    frame = QMargins(8, 31, 8, 8)
    assert client_geometry(area, frame).marginsAdded(frame) == area
    assert client_geometry(area, frame).top() == 31


# ---- focus after the 「尚不能完成评估」 list -----------------------------------------------------


def test_closing_the_missing_list_gives_the_keyboard_back(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric
) -> None:
    window = make_window(small_rubric)
    window.new_assessment()
    workspace = window.workspace
    workspace.show_scoring()
    tree = workspace.scoring.tree
    assert focus(qtbot) is tree
    press(qtbot, Qt.Key.Key_F, CtrlShift)
    assert workspace.missing.isVisible() and focus(qtbot) is workspace.missing.list
    close = next(
        b
        for b in workspace.missing.findChildren(QWidget)
        if getattr(b, "text", None) and b.text() == "关闭"
    )
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert workspace.missing.isHidden()
    assert focus(qtbot) is tree, "digits, Esc and Enter work again at once"
    current = workspace.scoring.current()
    press(qtbot, Qt.Key.Key_1)
    assert window.controller.session.entry(current).is_scored


# ---- reopening after a crash ---------------------------------------------------------------


def test_after_a_crash_the_assessment_reopens_at_the_indicator_being_worked_on(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    window = make_window(small_rubric)
    window.new_assessment()
    key = window.controller.session.key
    workspace = window.workspace
    workspace.show_indicator("4.1.1")
    press(qtbot, Qt.Key.Key_1)
    workspace.show_indicator("4.2.1")
    # A crash: nothing of leaving the assessment runs. What is on disk must say where we were.
    assert "4.2.1" in (store.root / "gui.ini").read_text(encoding="utf-8")
    again = make_window(small_rubric, Store(store.root))
    again.open_assessment(key)
    assert again.workspace.scoring.current() == "4.2.1"
    assert window.controller.session.unscored()[0] != "4.2.1", "not the first unscored"


# ---- sizes: 1024×600, 1366×768, and 1366×768 at 150% ---------------------------------------


def _headers_cut(view: QTableView) -> list[str]:
    header = view.horizontalHeader()
    cut = []
    for n in range(header.count()):
        right = header.sectionViewportPosition(n) + header.sectionSize(n)
        if header.sectionSize(n) < header.sectionSizeHint(n) or right > view.viewport().width():
            cut.append(str(view.model().headerData(n, Qt.Orientation.Horizontal)))
    return cut


def _open_profile(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    rubric: LoadedRubric,
    size: tuple[int, int],
) -> MainWindow:
    window = make_window(rubric)
    window.resize(*size)
    window.new_assessment()
    window.workspace.tabs.setCurrentWidget(window.workspace.profile)
    _settle(qtbot)
    return window


def test_the_profile_folds_into_one_column_at_1024_by_600(
    qtbot: QtBot, make_window: Callable[..., MainWindow], full_rubric: LoadedRubric
) -> None:
    window = _open_profile(qtbot, make_window, full_rubric, (1024, 600))
    profile = window.workspace.profile
    qtbot.waitUntil(lambda: profile._columns == 1, timeout=2000)
    assert profile._right.geometry().top() >= profile._basic.geometry().bottom()
    window.resize(1920, 1080)
    # Side by side where both fit.
    qtbot.waitUntil(
        lambda: (
            profile._columns == 2
            and profile._right.geometry().left() > profile._basic.geometry().right()
        ),
        timeout=2000,
    )


@pytest.mark.parametrize("size", [(1366, 768), AT_150, (1024, 600), (1920, 1080)])
def test_no_table_header_in_the_profile_is_cut(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    size: tuple[int, int],
) -> None:
    window = _open_profile(qtbot, make_window, full_rubric, size)
    profile = window.workspace.profile
    for view in (profile.classes_view, profile.assessors_view, profile.staff_view):
        assert view.horizontalHeader().sectionResizeMode(0) is not QHeaderView.ResizeMode.Stretch
        assert _headers_cut(view) == []


def test_with_the_summary_open_at_150_percent_the_indicator_fits_its_panel(
    qtbot: QtBot, make_window: Callable[..., MainWindow], full_rubric: LoadedRubric
) -> None:
    window = make_window(full_rubric)
    window.resize(*AT_150)
    window.new_assessment()
    workspace = window.workspace
    workspace.summary_button.click()
    if not workspace.summary.isVisible():
        workspace.summary_button.click()
    assert workspace.summary.isVisible()
    drafted = next(i.id for i in full_rubric.indicators if i.source.value == "drafted")
    workspace.show_indicator(drafted)
    _settle(qtbot)
    panel = workspace.scoring.panel
    body = panel.widget()
    assert body.width() <= panel.viewport().width(), "no text runs past the panel's edge"
    badge = panel.source_badge
    assert badge.isVisible() and badge.text() == "拟定文本"
    right = badge.mapTo(panel.viewport(), QPoint(badge.width(), 0)).x()
    assert right <= panel.viewport().width(), "the 拟定文本 badge is whole"
    # Where the panel is squeezed below what its content needs, a scroll bar says so.
    assert panel.horizontalScrollBarPolicy() is not Qt.ScrollBarPolicy.ScrollBarAlwaysOff


# ---- practice: the status bar speaks of submitting, not finalising --------------------------


def test_a_practice_that_is_fully_scored_offers_submitting_not_finalising(
    qtbot: QtBot, tmp_path: Path, full_rubric: LoadedRubric, dialogs: FakeDialogs
) -> None:
    practice = start_practice(
        tmp_path / "data", full_rubric, load_sample(SAMPLE), trainee_of("李静", "T-0001")
    )
    screen = PracticeScreen(practice, dialogs)
    qtbot.addWidget(screen)
    session = practice.session
    for indicator in full_rubric.indicators:
        session.set_score(indicator.id, indicator.levels[0].points)
    said: list[str] = []
    screen.notice.connect(said.append)
    screen.workspace.scoring.next_unscored()
    assert said and "所有指标均已评分" in said[-1]
    assert "Ctrl+Shift+F" not in said[-1] and "完成评估（" not in said[-1]
    assert "Ctrl+Shift+Enter" in said[-1]


def test_an_assessment_that_is_fully_scored_offers_finalising(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric
) -> None:
    window = make_window(small_rubric)
    window.new_assessment()
    session = window.controller.session
    for indicator in small_rubric.indicators:
        session.set_score(indicator.id, indicator.levels[0].points)
    window.workspace.scoring.next_unscored()
    assert "可以完成评估（Ctrl+Shift+F）" in window.statusBar().currentMessage()


# ---- file dialogs remember their folder, per purpose ----------------------------------------


def test_file_dialogs_open_where_the_same_purpose_was_last_left(
    tmp_path: Path, monkeypatch
) -> None:
    opened_at: list[str] = []
    photos, keys = tmp_path / "照片", tmp_path / "密钥"
    photos.mkdir()
    keys.mkdir()
    answer: dict[str, str] = {}

    def open_files(_parent, title, start, _filter):
        opened_at.append(start)
        return ([answer[title]], "") if title in answer else ([], "")

    def open_file(_parent, title, start, _filter):
        opened_at.append(start)
        return (answer.get(title, ""), "")

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_files)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_file)
    dialogs = Dialogs(None)
    dialogs.settings_root = tmp_path

    answer["为指标 4.1.1 添加证据文件"] = str(photos / "a.jpg")
    dialogs.choose_files("为指标 4.1.1 添加证据文件")
    answer["选择签名密钥"] = str(keys / "张三.p12")
    dialogs.choose_key_file("选择签名密钥")
    dialogs.choose_files("为指标 4.1.1 添加证据文件")
    dialogs.choose_key_file("选择签名密钥")
    dialogs.choose_ca_file("选择卫生健康委 CA 证书")
    home = str(Path.home())
    assert opened_at == [home, home, str(photos), str(keys), home]

    # Remembered in the data folder's settings, so a new start opens there too; a folder that
    # is gone (a USB stick pulled out) falls back to the home folder.
    again = Dialogs(None)
    again.settings_root = tmp_path
    again.choose_files("为指标 4.1.1 添加证据文件")
    photos.joinpath("a.jpg").touch()
    keys.rmdir()
    again.choose_key_file("选择签名密钥")
    assert opened_at[-2:] == [str(photos), home]
