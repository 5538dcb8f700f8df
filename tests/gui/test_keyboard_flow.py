"""The assessor's day, by keyboard, on the full rubric and a real store on disk."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.assessment.model import Status
from assessor.core.audit import verify_chain
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from tests.gui.helpers import USCC, FakeDialogs, edit_cell, focus, press, type_into

Ctrl = Qt.KeyboardModifier.ControlModifier
CtrlShift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
DIGITS = {n: getattr(Qt.Key, f"Key_{n}") for n in range(10)}


def fill_profile(qtbot: QtBot, window: MainWindow) -> None:
    form = window.workspace.profile
    fields = form.fields
    fields["name"].edit.setText("北京市朝阳区阳光托育中心")
    type_into(qtbot, fields["uscc"].edit, USCC.lower())
    fields["address"].edit.setText("北京市朝阳区幸福路 1 号")
    type_into(qtbot, fields["division_code"].edit, "110105")
    form.care_types[next(iter(form.care_types))].setFocus()
    press(qtbot, Qt.Key.Key_Space)
    form.meals.setFocus()
    press(qtbot, Qt.Key.Key_Space)  # meals are not served: meal indicators may be N/A
    type_into(qtbot, fields["places"].edit, "40")
    type_into(qtbot, fields["indoor_area_m2"].edit, "300")
    type_into(qtbot, fields["date"].edit, "2024-05-06")
    qtbot.mouseClick(form._table_buttons[0], Qt.MouseButton.LeftButton)  # 添加评估人员
    edit_cell(qtbot, form.assessors_view, 0, 0, "王芳")
    edit_cell(qtbot, form.assessors_view, 0, 1, "BJ-001")
    qtbot.mouseClick(form._table_buttons[2], Qt.MouseButton.LeftButton)  # 添加班级
    edit_cell(qtbot, form.classes_view, 0, 0, "小一班")
    edit_cell(qtbot, form.classes_view, 0, 1, "托小班")
    edit_cell(qtbot, form.classes_view, 0, 2, "12")
    edit_cell(qtbot, form.classes_view, 0, 3, "3")


def test_create_fill_profile_score_every_indicator_by_keyboard_then_finalise(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
) -> None:
    window = make_window(full_rubric)
    signed: list[str] = []  # where the signing step plugs in
    window.finalise_hooks.append(lambda assessment: signed.append(assessment.id))
    press(qtbot, Qt.Key.Key_N, Ctrl)
    assert window.workspace is not None, "Ctrl+N opens a new assessment"
    fill_profile(qtbot, window)
    session = window.controller.session
    centre = store.load(session.key).centre
    assert centre.name == "北京市朝阳区阳光托育中心" and centre.uscc == USCC
    assert centre.classes[0].children == 12 and centre.places == 40
    assert session.profile_gaps() == []

    press(qtbot, Qt.Key.Key_2, Ctrl)
    scoring = window.workspace.scoring
    assert focus(qtbot) is scoring.tree
    # Score in rubric order with varied levels: N/A where allowed, else a level chosen by
    # position; Enter moves on to the next unscored indicator.
    expected: dict[str, tuple[float | None, bool]] = {}
    for n, ind in enumerate(full_rubric.indicators):
        assert scoring.current() == ind.id
        if ind.na_allowed and n % 2:
            press(qtbot, Qt.Key.Key_N)
            expected[ind.id] = (None, True)
        else:
            level = 1 if ind.basic else 1 + n % len(ind.levels)
            press(qtbot, DIGITS[level])
            expected[ind.id] = (ind.levels[level - 1].points, False)
        press(qtbot, Qt.Key.Key_Return)
    assert session.unscored() == []

    press(qtbot, Qt.Key.Key_F, CtrlShift)
    assert dialogs.asked[-1][0] == "完成评估"
    assert session.is_final and signed == [session.assessment.id]
    assert "已完成" in window.workspace.status.text()

    # Read back from disk through a fresh store, as after a restart.
    reopened, chain = Store(store.root).load_with_audit(session.key)
    assert reopened.status is Status.final and reopened.finalised_at is not None
    assert {s.indicator: (s.score, s.na) for s in reopened.scores} == expected
    assert verify_chain(chain) == [] and chain[-1].action == "finalise"

    # Frozen: level keys change nothing any more.
    scoring.select(full_rubric.indicators[0].id)
    scoring.focus_tree()
    press(qtbot, DIGITS[2])
    assert (
        Store(store.root).load(session.key).scores[0].score
        == expected[full_rubric.indicators[0].id][0]
    )
