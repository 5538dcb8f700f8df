"""The home screen over a real store: list, search, open, template, delete → bin → restore."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.assessment.model import AssessorRef, Centre, Visit
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.storage.index import INDEX_FILE
from assessor.core.storage.store import Store
from assessor.gui.home.home_view import SCORE_AT_ONCE
from assessor.gui.main_window import MainWindow
from assessor.gui.widgets.long_message import LongMessageDialog
from tests.gui.helpers import USCC, FakeDialogs, focus, press

Ctrl = Qt.KeyboardModifier.ControlModifier


def draft(store: Store, rubric: LoadedRubric, name: str, scored: int = 0) -> EditingSession:
    session = EditingSession.create(
        store,
        rubric,
        centre=Centre(name=name),
        visit=Visit(assessors=[AssessorRef(name="王芳", assessor_id="BJ-001")]),
    )
    for ind in rubric.indicators[:scored]:
        session.set_score(ind.id, ind.max)
    return session


def rows(window: MainWindow) -> list[list[str]]:
    proxy = window.home.model
    return [
        [proxy.index(r, c).data() or "" for c in range(proxy.columnCount())]
        for r in range(proxy.rowCount())
    ]


def select(window: MainWindow, name: str) -> None:
    table = window.home.table
    row = next(r for r, cells in enumerate(rows(window)) if cells[0] == name)
    table.setCurrentIndex(window.home.model.index(row, 0))
    table.setFocus()


def test_the_list_shows_progress_and_grade_and_filters(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    draft(store, small_rubric, "阳光托育中心", scored=2)
    draft(store, small_rubric, "彩虹托育园")
    window = make_window(small_rubric)
    listed = {cells[0]: cells for cells in rows(window)}
    assert set(listed) == {"阳光托育中心", "彩虹托育园"}
    assert listed["阳光托育中心"][2:5] == ["草稿", "40%", "D（不合格，预测）"]
    assert listed["彩虹托育园"][2:5] == ["草稿", "0%", ""], "no grade before scoring starts"
    assert listed["彩虹托育园"][1] == "未填写"

    press(qtbot, Qt.Key.Key_F, Ctrl)
    assert focus(qtbot) is window.home.search
    window.home.search.setText("彩虹")
    assert [cells[0] for cells in rows(window)] == ["彩虹托育园"]
    window.home.search.clear()
    window.home.status_filter.setCurrentIndex(window.home.status_filter.findData("final"))
    assert rows(window) == [] and window.home.empty.text() == "没有符合条件的评估。"


def test_enter_opens_and_ctrl_w_returns_with_everything_kept(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    draft(store, small_rubric, "阳光托育中心")
    window = make_window(small_rubric)
    select(window, "阳光托育中心")
    press(qtbot, Qt.Key.Key_Return)
    assert window.workspace is not None and window.workspace.title.text() == "阳光托育中心"
    assert focus(qtbot) is window.workspace.scoring.tree
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_W, Ctrl)
    assert window.workspace is None and rows(window)[0][3] == "20%"
    assert focus(qtbot) is window.home.table


def test_delete_goes_to_the_bin_and_can_be_restored(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
) -> None:
    kept = draft(store, small_rubric, "阳光托育中心", scored=3)
    window = make_window(small_rubric)

    dialogs.answer = False
    select(window, "阳光托育中心")
    press(qtbot, Qt.Key.Key_Delete)
    assert "移入回收站" in dialogs.asked[-1][1] and len(store.list()) == 1

    dialogs.answer = True
    press(qtbot, Qt.Key.Key_Delete)
    assert store.list() == [] and [e.key for e in store.bin_list()] == [kept.key]
    assert window.home.bin_button.text() == "回收站（1）"
    assert "还没有评估记录" in window.home.empty.text()

    press(qtbot, Qt.Key.Key_B, Ctrl)
    assert window.home.pages.currentIndex() == 1
    assert window.home.bin_model.entries[0].summary.centre_name == "阳光托育中心"
    qtbot.mouseClick(window.home.restore_button, Qt.MouseButton.LeftButton)
    assert [s.key for s in store.list()] == [kept.key] and store.bin_list() == []
    assert rows(window)[0][0] == "阳光托育中心" and rows(window)[0][3] == "60%"
    restored = Store(store.root).load(kept.key)
    assert restored.scores[2].score == small_rubric.indicators[2].max


def test_purging_from_the_bin_asks_first(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
) -> None:
    gone = draft(store, small_rubric, "彩虹托育园")
    store.delete(gone.key)
    window = make_window(small_rubric)
    press(qtbot, Qt.Key.Key_B, Ctrl)
    dialogs.answer = False
    qtbot.mouseClick(window.home.purge_button, Qt.MouseButton.LeftButton)
    assert len(store.bin_list()) == 1
    dialogs.answer = True
    qtbot.mouseClick(window.home.purge_button, Qt.MouseButton.LeftButton)
    assert "永久删除" in dialogs.asked[-1][1] and store.bin_list() == []


def test_a_template_copies_the_profile_into_a_new_draft(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    source = draft(store, small_rubric, "阳光托育中心", scored=5)
    window = make_window(small_rubric)
    select(window, "阳光托育中心")
    press(qtbot, Qt.Key.Key_D, Ctrl)
    session = window.controller.session
    assert session.key != source.key
    assert session.assessment.centre.name == "阳光托育中心"
    assert session.assessment.visit.assessors[0].name == "王芳"
    assert session.result.completeness.scored == 0
    assert len(store.list()) == 2


def test_a_damaged_record_is_listed_with_its_problem_and_refuses_to_open(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
) -> None:
    broken = draft(store, small_rubric, "阳光托育中心")
    record = store.root / "assessments" / broken.key / "record.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["assessment"]["1"]["centre"]["name"] = "改过的名字"
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    window = make_window(small_rubric)
    assert rows(window)[0][2] == "无法打开"
    select(window, "（未填写机构名称）")
    press(qtbot, Qt.Key.Key_Return)
    assert window.workspace is None
    assert dialogs.errors and "被改动" in dialogs.errors[-1][1]


def test_reopening_the_store_after_the_window_closed_shows_everything(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    window = make_window(small_rubric)
    press(qtbot, Qt.Key.Key_N, Ctrl)
    window.workspace.profile.fields["name"].edit.setText("阳光托育中心")
    window.workspace.show_scoring()
    press(qtbot, Qt.Key.Key_2)
    window.workspace.scoring.panel.note.setPlainText("部分资料缺失")
    key = window.controller.session.key
    window.close()

    again = make_window(small_rubric, Store(store.root))
    assert rows(again)[0][0] == "阳光托育中心"
    again.open_assessment(key)
    session = again.controller.session
    assert session.entry("4.1.1").score == 3 and session.entry("4.1.1").note == "部分资料缺失"
    assert again.workspace.scoring.current() == "4.1.1", "resumes where the assessor stopped"
    again.workspace.show_indicator("4.1.1")
    assert again.workspace.scoring.panel.note.toPlainText() == "部分资料缺失"
    assert again.workspace.summary.total.text() == "总分 3 / 25"


def test_a_store_left_by_a_crashed_session_opens(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    crashed = draft(store, small_rubric, "阳光托育中心", scored=2)
    folder = store.root / "assessments" / crashed.key
    record = folder / "record.json"
    # The power went: a half-written temporary file and a torn main file; the backup is whole.
    (folder / ".record.json.0123abcd.tmp").write_bytes(record.read_bytes()[:100])
    record.write_bytes(record.read_bytes()[:150])
    window = make_window(small_rubric, Store(store.root))
    assert rows(window)[0][0] == "阳光托育中心"
    select(window, "阳光托育中心")
    press(qtbot, Qt.Key.Key_Return)
    session = window.controller.session
    assert session.entry("4.1.1").score == small_rubric.indicators[0].max
    press(qtbot, Qt.Key.Key_1)
    assert Store(store.root).load(crashed.key).scores[1].score == small_rubric.indicators[1].max
    assert not list(folder.glob(".*.tmp"))


def test_an_autosave_leaves_other_assessments_untouched(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    other = draft(store, small_rubric, "彩虹托育园", scored=1)
    other_file = store.root / "assessments" / other.key / "record.json"
    before = other_file.stat().st_mtime_ns, other_file.read_bytes()
    window = make_window(small_rubric)
    press(qtbot, Qt.Key.Key_N, Ctrl)
    window.workspace.show_scoring()
    for key in (Qt.Key.Key_1, Qt.Key.Key_PageDown, Qt.Key.Key_2):
        press(qtbot, key)
    assert (other_file.stat().st_mtime_ns, other_file.read_bytes()) == before


def test_about_says_what_in_the_rubric_is_drafted_or_unverified(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    dialogs: FakeDialogs,
) -> None:
    window = make_window(full_rubric)
    window.home.table.setFocus()
    press(qtbot, Qt.Key.Key_I, Ctrl)
    (about,) = dialogs.presented
    assert isinstance(about, LongMessageDialog) and about.windowTitle() == "关于"
    text = about.text()
    # However long the notes and change log, the box fits a 1366 × 768 laptop screen.
    assert about.height() <= 600 and about.view.verticalScrollBar().maximum() > 0
    assert "WS/T 821—2023" in text and full_rubric.sha256[:16] in text
    assert "98 项的文字依据公开资料起草" in text
    assert "132 项指标中，111 项依据国家规定，8 项依据标准已知文本，13 项为本项目拟定" in text
    assert "16 项基础指标" in text and "等级划分规则为默认参数" in text
    # In Chinese only: the rubric's notes name its data fields, the about box does not.
    assert "source:" not in text and "verified:" not in text and "drafted" not in text
    assert "标注为“拟定”的指标文本" in text
    assert str(window.store.root) in text, "the about box says where the data folder is"
    # What the version changed, from its change log (issue 22).
    assert "本版本（2026.2-draft，2026-12-07）的修订（共 20 处）：" in text
    assert "· 9.5.2：档次改为 12/8/4/0" in text and "· 不适用规则：写明分数截取到 0.01 分" in text


def test_search_finds_credit_code_and_address_and_the_bin_disables_record_actions(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    sunny = draft(store, small_rubric, "阳光托育中心", scored=1)
    sunny.update_centre(uscc=USCC, address="北京市朝阳区幸福路 1 号")
    draft(store, small_rubric, "彩虹托育园")
    window = make_window(small_rubric)
    window.home.search.setText(USCC[:8].lower())
    assert [cells[0] for cells in rows(window)] == ["阳光托育中心"]
    window.home.search.setText("幸福路")
    assert [cells[0] for cells in rows(window)] == ["阳光托育中心"]
    window.home.search.clear()

    select(window, "彩虹托育园")
    assert window.home.open_button.isEnabled() and window.home.delete_button.isEnabled()
    window.home.toggle_bin()
    assert not any(
        b.isEnabled()
        for b in (
            window.home.open_button,
            window.home.template_button,
            window.home.delete_button,
            window.home.sign_button,
            window.home.amend_button,
        )
    )
    press(qtbot, Qt.Key.Key_Delete)
    assert len(store.list()) == 2, "record shortcuts do nothing while the bin is shown"


def test_the_status_bar_does_not_carry_messages_to_another_screen(
    make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, store: Store
) -> None:
    session = draft(store, small_rubric, "阳光托育中心")
    window = make_window(small_rubric)
    window.show_notice("已将“某机构”移入回收站")
    window.open_assessment(session.key)
    assert window.statusBar().currentMessage() == ""
    window.show_notice("指标 4.1.1 只有 3 个评分档次")
    window.go_home()
    assert window.statusBar().currentMessage() == ""


def test_many_records_without_an_index_are_scored_in_the_background(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
) -> None:
    for n in range(SCORE_AT_ONCE + 2):
        draft(store, small_rubric, f"第 {n} 号托育园", scored=2)
    (store.root / INDEX_FILE).unlink(missing_ok=True)  # as after an upgrade, or a lost index
    window = make_window(small_rubric, Store(store.root))
    assert window.home.scoring, "the window opens before every record is scored"
    assert {cells[3] for cells in rows(window)} == {"计算中…"}
    qtbot.waitUntil(lambda: not window.home.scoring, timeout=60_000)
    assert {cells[3] for cells in rows(window)} == {"40%"}
    assert {cells[4] for cells in rows(window)} == {"D（不合格，预测）"}
    # Remembered: the next window lists them at once.
    again = make_window(small_rubric, Store(store.root))
    assert not again.home.scoring and {cells[3] for cells in rows(again)} == {"40%"}
