"""Scoring by keyboard: summary, vetoes, undo/redo, jumps, notes, evidence, autosave."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.atomic import StorageError
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from tests.gui.helpers import USCC, FakeDialogs, focus, press

Ctrl = Qt.KeyboardModifier.ControlModifier
CtrlShift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(make_window: Callable[..., MainWindow], small_rubric: LoadedRubric) -> MainWindow:
    window = make_window(small_rubric)
    window.new_assessment()
    window.workspace.show_scoring()
    return window


def stored(store: Store, window: MainWindow, indicator: str) -> tuple[float | None, bool, str]:
    entry = next(
        s for s in store.load(window.controller.session.key).scores if s.indicator == indicator
    )
    return entry.score, entry.na, entry.note


def test_a_level_key_updates_tree_summary_and_store_at_once(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    scoring, summary = window.workspace.scoring, window.workspace.summary
    assert scoring.current() == "4.1.1" and focus(qtbot) is scoring.tree
    assert summary.total.text() == "总分 0 / 25"
    press(qtbot, Qt.Key.Key_2)
    assert summary.total.text() == "总分 3 / 25"
    assert summary.progress.fraction == 0.2 and "已评 1 / 5" in summary.progress.text
    assert [round(a.fraction, 2) for a in summary.radar.axes] == [0.2, 0.0]
    assert scoring.model.index_of("4.1.1").siblingAtColumn(1).data() == "3/6"
    assert scoring.model.index_of("4.1").siblingAtColumn(1).data() == "3/10"
    assert stored(store, window, "4.1.1") == (3, False, "")
    assert "已自动保存" in window.save_state.text()
    assert scoring.panel._level_buttons[1].isChecked()


def test_an_unmet_basic_indicator_shows_its_consequence_at_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    scoring, summary = window.workspace.scoring, window.workspace.summary
    scoring.select("5.1.1")
    scoring.focus_tree()
    panel = scoring.panel
    assert panel.basic_badge.isVisibleTo(panel)
    assert "得分低于满分即为未达标" in panel.veto.text() and not panel.veto_unmet
    press(qtbot, Qt.Key.Key_3)
    assert panel.veto_unmet and "未达标：任一基础指标未达标时，等级最高为 D" in panel.veto.text()
    assert "5.1.1" in summary.vetoes.text() and "未达标 1" in summary.vetoes.text()
    assert summary.grade.text() == "D"
    press(qtbot, Qt.Key.Key_1)
    assert not panel.veto_unmet
    assert "未达标" not in summary.vetoes.text().split("：", 1)[1]


def test_not_applicable_clear_and_out_of_range_keys(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    scoring = window.workspace.scoring
    press(qtbot, Qt.Key.Key_N)
    assert "不允许标记为不适用" in window.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_4)
    assert "只有 3 个评分档次" in window.statusBar().currentMessage()
    assert stored(store, window, "4.1.1") == (None, False, "")

    scoring.select("5.1.2")
    press(qtbot, Qt.Key.Key_N)
    assert stored(store, window, "5.1.2") == (None, True, "")
    assert scoring.model.index_of("5.1.2").siblingAtColumn(1).data() == "不适用"
    press(qtbot, Qt.Key.Key_0)
    assert stored(store, window, "5.1.2") == (None, False, "")


def test_navigation_next_previous_next_unscored_and_jump(qtbot: QtBot, window: MainWindow) -> None:
    scoring = window.workspace.scoring
    press(qtbot, Qt.Key.Key_PageDown)
    assert scoring.current() == "4.1.2"
    press(qtbot, Qt.Key.Key_Down, Ctrl)
    assert scoring.current() == "4.2.1"
    press(qtbot, Qt.Key.Key_PageUp)
    assert scoring.current() == "4.1.2"
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_Return)
    assert scoring.current() == "4.2.1"

    press(qtbot, Qt.Key.Key_G, Ctrl)
    assert focus(qtbot) is scoring.jump_edit
    qtbot.keyClicks(scoring.jump_edit, "5.1.2")
    press(qtbot, Qt.Key.Key_Return)
    assert scoring.current() == "5.1.2" and focus(qtbot) is scoring.tree
    press(qtbot, Qt.Key.Key_Slash)
    qtbot.keyClicks(scoring.jump_edit, "9.9")
    press(qtbot, Qt.Key.Key_Return)
    assert "没有条款 9.9" in window.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_G, Ctrl)
    qtbot.keyClicks(scoring.jump_edit, "5")  # a dimension: its first indicator
    press(qtbot, Qt.Key.Key_Return)
    assert scoring.current() == "5.1.1"


def test_on_a_dimension_row_level_keys_do_nothing(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    scoring = window.workspace.scoring
    press(qtbot, Qt.Key.Key_Up)
    assert scoring.current() is None and scoring.panel.short.text() == "资质"
    press(qtbot, Qt.Key.Key_1)
    assert window.controller.session.result.completeness.scored == 0
    press(qtbot, Qt.Key.Key_PageDown)
    assert scoring.current() == "4.1.1"


def test_undo_and_redo_by_keyboard_are_saved(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    scoring, workspace = window.workspace.scoring, window.workspace
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_PageDown)
    press(qtbot, Qt.Key.Key_3)
    assert workspace.undo_button.isEnabled() and not workspace.redo_button.isEnabled()
    press(qtbot, Qt.Key.Key_Z, Ctrl)
    assert scoring.current() == "4.1.2" and stored(store, window, "4.1.2")[0] is None
    press(qtbot, Qt.Key.Key_Z, Ctrl)
    assert scoring.current() == "4.1.1" and stored(store, window, "4.1.1")[0] is None
    assert workspace.summary.total.text() == "总分 0 / 25"
    press(qtbot, Qt.Key.Key_Z, Ctrl)
    assert "没有可撤销的修改" in window.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_Y, Ctrl)
    assert stored(store, window, "4.1.1")[0] == 6
    press(qtbot, Qt.Key.Key_Z, CtrlShift)
    assert stored(store, window, "4.1.2")[0] == 0
    assert workspace.summary.total.text() == "总分 6 / 25"


def test_a_note_is_saved_while_typing_and_undone_as_one_step(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    panel = window.workspace.scoring.panel
    press(qtbot, Qt.Key.Key_E, Ctrl)
    assert focus(qtbot) is panel.note
    typed = ""
    for piece in ("营业执照", "在有效期内", "，已核对原件"):
        typed += piece
        panel.note.insertPlainText(piece)
        # Saved while the assessor is still typing, without waiting for a pause.
        qtbot.waitUntil(lambda t=typed: stored(store, window, "4.1.1")[2] == t, timeout=1000)
    press(qtbot, Qt.Key.Key_Escape)
    assert focus(qtbot) is window.workspace.scoring.tree
    press(qtbot, Qt.Key.Key_Z, Ctrl)
    assert stored(store, window, "4.1.1")[2] == "" and panel.note.toPlainText() == ""
    press(qtbot, Qt.Key.Key_Y, Ctrl)
    assert stored(store, window, "4.1.1")[2] == typed


def test_a_note_is_saved_at_once_when_moving_on_or_closing(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    panel = window.workspace.scoring.panel
    key = window.controller.session.key
    panel.focus_note()
    panel.note.setPlainText("消防通道畅通")
    press(qtbot, Qt.Key.Key_PageDown)
    assert stored(store, window, "4.1.1")[2] == "消防通道畅通"
    panel.note.setPlainText("户外场地 180 平方米")
    window.close()
    assert store.load(key).scores[1].note == "户外场地 180 平方米"


def test_evidence_is_copied_with_a_thumbnail_and_can_be_removed(
    qtbot: QtBot, window: MainWindow, store: Store, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    photo = tmp_path / "现场 照片.png"
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    assert image.save(str(photo))
    dialogs.files = [photo]
    press(qtbot, Qt.Key.Key_A, CtrlShift)
    panel = window.workspace.scoring.panel
    assert panel.evidence.count() == 1
    item = panel.evidence.item(0)
    assert item.text() == "现场_照片.png" and not item.icon().isNull()
    [evidence] = store.load(window.controller.session.key).scores[0].evidence
    copied = window.controller.session.evidence_path(evidence)
    assert copied.read_bytes() == photo.read_bytes()

    panel.evidence.setCurrentRow(0)
    dialogs.text = "  消防通道畅通 "
    qtbot.mouseClick(panel.caption_button, Qt.MouseButton.LeftButton)
    assert dialogs.asked[-1][0] == "证据说明"
    assert panel.evidence.item(0).text() == "消防通道畅通"
    [evidence] = store.load(window.controller.session.key).scores[0].evidence
    assert evidence.caption == "消防通道畅通"

    panel.evidence.setCurrentRow(0)
    panel.evidence.setFocus()
    dialogs.answer = False
    press(qtbot, Qt.Key.Key_Delete)
    assert dialogs.asked[-1][0] == "移除证据" and panel.evidence.count() == 1
    dialogs.answer = True
    press(qtbot, Qt.Key.Key_Delete)
    assert panel.evidence.count() == 0
    assert store.load(window.controller.session.key).scores[0].evidence == []


def test_a_failed_autosave_shows_a_banner_keeps_the_change_and_retries(
    qtbot: QtBot, window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = window.controller.session
    real_save = session.store.save

    def full_disk(*args: object) -> None:
        raise StorageError("无法保存数据文件：磁盘已满")

    monkeypatch.setattr(session.store, "save", full_disk)
    press(qtbot, Qt.Key.Key_1)
    assert window.banner.isVisible() and "磁盘已满" in window.banner.text.text()
    assert "未保存" in window.save_state.text()
    assert window.workspace.summary.total.text() == "总分 6 / 25", "the change is kept"
    monkeypatch.setattr(session.store, "save", real_save)
    press(qtbot, Qt.Key.Key_PageDown)
    press(qtbot, Qt.Key.Key_1)
    assert not window.banner.isVisible()
    assert stored(store, window, "4.1.1")[0] == 6 and stored(store, window, "4.1.2")[0] == 4


def test_the_retry_button_saves_without_another_change(
    qtbot: QtBot, window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = window.controller.session
    real_save = session.store.save
    monkeypatch.setattr(
        session.store, "save", lambda *a: (_ for _ in ()).throw(StorageError("只读"))
    )
    press(qtbot, Qt.Key.Key_1)
    monkeypatch.setattr(session.store, "save", real_save)
    qtbot.mouseClick(window.banner.retry, Qt.MouseButton.LeftButton)
    assert not window.banner.isVisible() and stored(store, window, "4.1.1")[0] == 6


def test_finalise_is_blocked_with_a_list_that_jumps(
    qtbot: QtBot, window: MainWindow, dialogs: FakeDialogs
) -> None:
    workspace = window.workspace
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_F, CtrlShift)
    assert not window.controller.session.is_final and not dialogs.asked
    missing = workspace.missing
    assert missing.isVisible()
    texts = [missing.list.item(r).text() for r in range(missing.list.count())]
    assert "未评分：4.1.2 指标4.1.2" in texts and "4 项指标未评分" in missing.title.text()
    assert any("机构名称" in t for t in texts)
    assert focus(qtbot) is missing.list

    row = texts.index("未评分：5.1.1 指标5.1.1")
    rect = missing.list.visualItemRect(missing.list.item(row))
    qtbot.mouseClick(missing.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert workspace.scoring.current() == "5.1.1" and focus(qtbot) is workspace.scoring.tree
    press(qtbot, Qt.Key.Key_1)
    assert "3 项指标未评分" in missing.title.text(), "the list follows the scoring"

    gap = next(r for r, t in enumerate(texts) if "机构名称" in t)
    missing.list.setCurrentRow(gap)
    missing.list.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert workspace.tabs.currentWidget() is workspace.profile
    assert focus(qtbot) is workspace.profile.fields["name"].edit


def test_after_a_jump_the_next_key_scores_and_the_popup_is_gone(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    scoring = window.workspace.scoring
    press(qtbot, Qt.Key.Key_Slash)
    qtbot.keyClicks(scoring.jump_edit, "5.1.2")
    popup = scoring.jump_edit.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    press(qtbot, Qt.Key.Key_Return)
    assert scoring.current() == "5.1.2"
    assert not popup.isVisible() and scoring.jump_edit.text() == ""
    assert focus(qtbot) is scoring.tree
    assert "没有条款" not in window.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_1)
    assert scoring.jump_edit.text() == ""
    assert stored(store, window, "5.1.2")[0] is not None


def test_a_contradicting_score_is_flagged_at_the_indicator_and_before_finalising(
    qtbot: QtBot, window: MainWindow, dialogs: FakeDialogs
) -> None:
    controller, workspace = window.controller, window.workspace
    controller.update_centre(
        name="阳光托育中心",
        uscc=USCC,
        address="北京市朝阳区幸福路 1 号",
        division_code="110105",
        care_types=["full_day"],
        classes=[{"name": "小一班", "kind": "toddler_small", "children": 12, "carers": 3}],
    )
    controller.update_visit(date="2024-05-06", assessors=[{"name": "王芳", "assessor_id": "BJ-1"}])
    for ind in controller.session.rubric.indicators:
        controller.set_score(ind.id, ind.max)
    workspace.show_indicator("5.1.2")
    panel = workspace.scoring.panel
    assert panel.conflicts.isHidden()
    press(qtbot, Qt.Key.Key_N)  # meals are served, yet the meal indicator is marked N/A
    assert panel.conflicts.isVisible() and "机构提供膳食" in panel.conflicts.text()

    press(qtbot, Qt.Key.Key_F, CtrlShift)
    assert not controller.session.is_final and not dialogs.asked
    texts = [workspace.missing.list.item(r).text() for r in range(workspace.missing.list.count())]
    assert texts == [
        "一致性提示：5.1.2 标为不适用，但机构信息填写为“机构提供膳食”（更正评分或在备注中说明）"
    ]
    assert "1 项一致性提示未处理" in workspace.missing.title.text()

    workspace.show_indicator("5.1.2")
    panel.focus_note()
    panel.note.setPlainText("午餐由家长自备，机构仅提供饮水")
    qtbot.waitUntil(lambda: "已在备注中说明理由" in panel.conflicts.text(), timeout=1000)
    assert workspace.missing.isHidden() or workspace.missing.list.count() == 0
    press(qtbot, Qt.Key.Key_F, CtrlShift)
    assert controller.session.is_final


def test_reopening_returns_to_the_indicator_last_worked_on(
    qtbot: QtBot, window: MainWindow
) -> None:
    key = window.controller.session.key
    window.workspace.show_indicator("4.2.1")
    window.go_home()
    window.open_assessment(key)
    assert window.workspace.scoring.current() == "4.2.1"


def test_the_tree_marks_notes_and_evidence_and_filters_by_them(
    qtbot: QtBot, window: MainWindow, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    scoring = window.workspace.scoring
    controller = window.controller
    controller.set_note("4.1.2", "消防通道畅通")
    photo = tmp_path / "p.png"
    image = QImage(20, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("green"))
    image.save(str(photo))
    controller.attach_evidence("4.2.1", [photo])
    controller.set_score("4.1.1", 3)  # below full marks
    name = lambda ind: scoring.model.index_of(ind).data()  # noqa: E731
    assert name("4.1.2").startswith("○ 4.1.2 ※ ") and name("4.2.1").startswith("○ 4.2.1 ◇ ")
    assert "※" not in name("4.1.1")

    def shown() -> list[str]:
        return [
            ind
            for ind in scoring._order
            if not scoring.tree.isRowHidden(
                scoring.model.index_of(ind).row(), scoring.model.index_of(ind).parent()
            )
            and not scoring.tree.isRowHidden(
                scoring.model.index_of(ind).parent().row(),
                scoring.model.index_of(ind).parent().parent(),
            )
        ]

    scoring.filter.setCurrentIndex(scoring.filter.findData("noted"))
    assert shown() == ["4.1.2"] and scoring.current() == "4.1.2"
    scoring.filter.setCurrentIndex(scoring.filter.findData("lost"))
    assert shown() == ["4.1.1"]
    scoring.filter.setCurrentIndex(scoring.filter.findData("unscored"))
    assert "4.1.1" not in shown() and "4.1.2" in shown()
    scoring.filter.setCurrentIndex(scoring.filter.findData(""))
    assert len(shown()) == len(scoring._order)
