"""The commission workspace driven like a person would: import a folder (one import cancelled
midway, then completed), look at the quarantine, search and open an assessment, statistics,
export; and screenshots at the two window sizes the app supports."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.paths import font_path
from assessor.core.rubric.validate import LoadedRubric
from assessor.gui.main_window import MainWindow
from assessor.gui.register import import_panel
from assessor.gui.register.register_screen import RegisterScreen
from tests.core.register.stats.corpus import COUNT, build_files
from tests.gui.helpers import FakeDialogs, focus
from tests.gui.test_screenshots import shoot, texts

SIZES = ((1366, 768), (1024, 600))


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A folder of 33 signed files and one broken file, and the CA that signed them."""
    root = tmp_path_factory.mktemp("register-gui")
    files, ca_cert = build_files(root)
    (files / "坏文件.json").write_text('{"format": ', encoding="utf-8")
    return files, ca_cert


def _documents(register: Path) -> int:
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        return conn.execute("SELECT COUNT(*) FROM documents WHERE current = 1").fetchone()[0]
    finally:
        conn.close()


def _import(qtbot: QtBot, screen: RegisterScreen, cancel_midway: bool = False):
    panel = screen.importer
    with qtbot.waitSignal(panel.imported, timeout=300_000) as finished:
        panel.start.click()
        assert panel.busy and not panel.start.isEnabled() and panel.cancel.isEnabled()
        if cancel_midway:
            # The first committed group of files: the window is responsive, cancel now.
            qtbot.waitUntil(lambda: panel.status.text().startswith("已处理"), timeout=120_000)
            panel.cancel.click()
            assert "正在取消" in panel.status.text()
    return finished.args[0]


def test_import_cancel_resume_browse_statistics_export(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    dialogs: FakeDialogs,
    signed: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files, ca_cert = signed
    monkeypatch.setattr(import_panel, "GUI_CHUNK", 4)  # many small groups: cancel lands midway
    window = make_window(full_rubric)
    window.resize(*SIZES[0])
    window.home.register_button.click()
    screen = window.register_screen
    assert screen is not None and window.stack.currentWidget() is screen

    dialogs.folder = files
    screen.importer.add_folder.click()
    dialogs.ca_file = ca_cert
    screen.importer.choose_ca.click()
    assert screen.importer.paths() == [str(files)]

    first = _import(qtbot, screen, cancel_midway=True)
    inputs = COUNT + 3 + 1  # assessments, amendments, the broken file
    assert not first.complete and 0 < first.inputs < inputs
    assert "导入已取消" in screen.importer.status.text()
    first.check_sum()
    assert _documents(window.register_dir) <= first.registered + first.amendments

    second = _import(qtbot, screen)
    assert second.complete and second.resumed and second.batch_id == first.batch_id
    assert second.inputs == inputs
    assert second.quarantined == {"not_json": 1}
    assert _documents(window.register_dir) == COUNT
    assert f"输入 {inputs} 个" in screen.importer.summary.text()

    quarantine = screen.importer.quarantine
    assert quarantine.rowCount() == 1
    assert quarantine.item(0, 0).text().endswith("坏文件.json")
    assert "JSON" in quarantine.item(0, 1).text()
    quarantine.setCurrentCell(0, 0)
    assert screen.importer.open_folder.isEnabled()
    screen.importer.open_folder.click()
    assert dialogs.opened and dialogs.opened[-1].is_relative_to(window.register_dir / "quarantine")

    # The register table: every current assessment, searchable and filterable.
    screen.show_tab(1)
    table = screen.table
    assert table.model.total == COUNT
    name = table.model.row_at(0).centre_name
    table.search.setText(name)
    assert 1 <= table.model.total < COUNT
    assert all(name in r.centre_name for r in table.model.rows)
    table.search.setText("")
    table.grade.setCurrentIndex(table.grade.findData("A"))
    assert 0 < table.model.total < COUNT and {r.grade for r in table.model.rows} == {"A"}
    table.grade.setCurrentIndex(0)

    # Open an amended assessment: read-only, both versions, verification again.
    amended = next(n for n, r in enumerate(table.model.rows) if r.version == 2)
    table.view.selectRow(amended)
    qtbot.keyClick(table.view, Qt.Key.Key_Return)
    view = screen.views[-1]
    assert view.versions.rowCount() == 2
    assert {view.versions.item(r, 3).text() for r in range(2)} == {"当前版本", "历史版本"}
    view.verify_button.click()
    assert "重新验证通过" in view.verification.text()
    view.close()
    window.activateWindow()  # the window manager's job when a dialog closes; offscreen has none

    # Statistics with the app's own charts, then an export.
    screen.show_tab(2)
    stats = screen.stats
    stats.compute.click()
    qtbot.waitUntil(lambda: stats.stats is not None and not stats.busy, timeout=120_000)
    assert sum(b.value for b in stats.grades.bars) == COUNT
    assert len(stats.dimensions.bars) == 7
    assert stats.weakest.rowCount() == 20
    dialogs.save_path = tmp_path / "导出" / "登记表.csv"
    stats.export_buttons["csv"].click()
    qtbot.waitUntil(lambda: not stats.busy, timeout=120_000)
    assert dialogs.errors == []
    text = dialogs.save_path.read_bytes().decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == COUNT + 1

    # Back home with Esc, from wherever the keyboard is.
    screen.show_tab(1)
    qtbot.keyClick(focus(qtbot), Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home


def test_screenshots_at_both_sizes(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    dialogs: FakeDialogs,
    signed: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    files, ca_cert = signed
    window = make_window(full_rubric)
    window.home.register_button.click()
    screen = window.register_screen
    assert screen is not None
    screen.importer.add_sources([files])
    screen.importer.set_trust(ca_cert)
    _import(qtbot, screen)
    screen.stats.group_by.setCurrentIndex(screen.stats.group_by.findData("district"))
    screen.stats.compute.click()
    qtbot.waitUntil(
        lambda: screen.stats.stats is not None and not screen.stats.busy, timeout=120_000
    )
    stats = screen.stats.stats
    assert stats is not None and screen.stats.groups.rowCount() == len(stats.groups) > 1
    assert screen.stats.groups.item(0, 1).text() == str(stats.groups[0].count)
    seen: list[str] = []
    out = Path(os.environ.get("ASSESSOR_SHOTS", tmp_path))
    for width, height in SIZES:
        window.resize(width, height)
        for tab in range(3):
            screen.show_tab(tab)
            image = shoot(qtbot, window, out / f"register-{tab}-{width}x{height}.png")
            assert not image.isNull()
            seen += texts(window)
    screen.show_tab(1)
    screen.table.view.selectRow(0)
    screen.table.open_selected()
    view = screen.views[-1]
    view.resize(900, 560)
    view.verify_button.click()
    assert not shoot(qtbot, view, out / "register-assessment.png").isNull()
    seen += texts(view)
    view.close()
    # Painted, not widgets: the chart titles and bar labels.
    for chart in (screen.stats.grades, screen.stats.dimensions):
        seen += [chart.title, *(f"{b.label}{b.caption}" for b in chart.bars)]
    characters = set(TTFont(str(font_path())).getBestCmap())
    shown = "".join(seen)
    assert "卫健委登记库" in shown and "等级分布" in shown
    missing = sorted({c for c in shown if ord(c) not in characters and not c.isspace()})
    assert missing == [], f"characters the bundled font cannot draw: {missing}"


def test_keyboard_reaches_the_register_and_its_tabs(
    qtbot: QtBot, make_window: Callable[..., MainWindow], full_rubric: LoadedRubric
) -> None:
    window = make_window(full_rubric)
    window.home.focus_list()
    qtbot.keyClick(focus(qtbot), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    screen = window.register_screen
    assert screen is not None and window.stack.currentWidget() is screen
    for key, tab, target in (
        (Qt.Key.Key_2, 1, screen.table.view),
        (Qt.Key.Key_3, 2, screen.stats.compute),
        (Qt.Key.Key_1, 0, screen.importer.sources),
    ):
        qtbot.keyClick(focus(qtbot), key, Qt.KeyboardModifier.ControlModifier)
        assert screen.tabs.currentIndex() == tab and focus(qtbot) is target
    qtbot.keyClick(focus(qtbot), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focus(qtbot) is screen.table.search
    qtbot.keyClick(focus(qtbot), Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home
