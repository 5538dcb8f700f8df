"""Profile input is checked as it is typed; refused input never reaches the store."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.store import Store
from assessor.gui.assessment.profile_form import REQUIRED_HINT
from assessor.gui.main_window import MainWindow
from tests.gui.helpers import USCC, edit_cell, type_into


def open_new(make_window: Callable[..., MainWindow], rubric: LoadedRubric) -> MainWindow:
    window = make_window(rubric)
    window.new_assessment()
    assert window.workspace is not None
    return window


def test_a_wrong_check_character_shows_the_reason_and_keeps_the_last_valid_code(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, store: Store
) -> None:
    window = open_new(make_window, small_rubric)
    form = window.workspace.profile
    key = window.controller.session.key
    type_into(qtbot, form.fields["uscc"].edit, USCC)
    assert form.message("uscc") == ""
    assert store.load(key).centre.uscc == USCC

    # Correcting the last character, keystroke by keystroke: every step in between is
    # refused, so the store keeps the code that was valid.
    edit = form.fields["uscc"].edit
    wrong = USCC[:17] + ("0" if USCC[17] != "0" else "1")
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert "应为 18 位，当前为 17 位" in form.message("uscc")
    qtbot.keyClicks(edit, wrong[17])
    message = form.message("uscc")
    assert f"第 18 位应为 {USCC[17]}" in message and "仍使用上次的有效值" in message
    assert form.fields["uscc"].edit.property("invalid") is True
    assert form.fields["uscc"].edit.text() == wrong, "what was typed stays visible"
    assert store.load(key).centre.uscc == USCC


def test_numbers_out_of_range_and_lower_case_codes(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, store: Store
) -> None:
    window = open_new(make_window, small_rubric)
    form = window.workspace.profile
    key = window.controller.session.key
    # Saved keystroke by keystroke: 6, 60, 600 are valid, the fourth 0 is refused.
    type_into(qtbot, form.fields["places"].edit, "6000")
    assert "不能大于 5000" in form.message("places")
    type_into(qtbot, form.fields["indoor_area_m2"].edit, "12x")
    assert "应为数字" in form.message("indoor_area_m2")
    centre = store.load(key).centre
    assert (centre.places, centre.indoor_area_m2) == (600, 12)

    type_into(qtbot, form.fields["uscc"].edit, USCC.lower())
    qtbot.keyClick(form.fields["uscc"].edit, Qt.Key.Key_Tab)
    assert form.fields["uscc"].edit.text() == USCC, "shown as stored once the field is left"


def test_required_fields_say_so_while_empty(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric
) -> None:
    form = open_new(make_window, small_rubric).workspace.profile
    assert form.message("name") == REQUIRED_HINT
    form.fields["name"].edit.setText("阳光托育中心")
    assert form.message("name") == ""
    assert form.message("places") == "", "optional fields carry no hint"


def test_an_invalid_class_row_is_marked_and_the_store_keeps_the_previous_classes(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, store: Store
) -> None:
    window = open_new(make_window, small_rubric)
    form = window.workspace.profile
    key = window.controller.session.key
    add_class = form._table_buttons[2]
    qtbot.mouseClick(add_class, Qt.MouseButton.LeftButton)
    edit_cell(qtbot, form.classes_view, 0, 1, "乳儿班")
    edit_cell(qtbot, form.classes_view, 0, 2, "9")
    assert [(c.kind.value, c.children) for c in store.load(key).centre.classes] == [("infant", 9)]
    assert "9 人" in form.children_total.text()

    edit_cell(qtbot, form.classes_view, 0, 2, "abc")
    assert "第 1 行「婴幼儿人数」：应为整数" in form.classes_error.text()
    assert form.classes.errors == {(0, "children"): "应为整数"}
    assert store.load(key).centre.classes[0].children == 9

    edit_cell(qtbot, form.classes_view, 0, 2, "10")
    assert form.classes_error.isHidden()
    assert store.load(key).centre.classes[0].children == 10


def test_assessor_rows_need_both_name_and_number(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, store: Store
) -> None:
    window = open_new(make_window, small_rubric)
    form = window.workspace.profile
    qtbot.mouseClick(form._table_buttons[0], Qt.MouseButton.LeftButton)
    assert form.assessors_error.isHidden(), "nothing is wrong before anything is typed"
    assert form.assessors.errors == {}
    edit_cell(qtbot, form.assessors_view, 0, 0, "王芳")
    assert "第 1 行「评估员编号」：不能为空" in form.assessors_error.text()
    edit_cell(qtbot, form.assessors_view, 0, 1, "BJ-001")
    assert form.assessors_error.isHidden()
    visit = store.load(window.controller.session.key).visit
    assert [(a.name, a.assessor_id) for a in visit.assessors] == [("王芳", "BJ-001")]


def test_staff_counts_are_checked_and_the_profile_feeds_the_computed_checks(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, store: Store
) -> None:
    window = open_new(make_window, small_rubric)
    form = window.workspace.profile
    edit_cell(qtbot, form.staff_view, 1, 1, "-2")
    assert "第 2 行「人数」：不能小于 0" in form.staff_error.text()
    edit_cell(qtbot, form.staff_view, 1, 1, "3")
    assert store.load(window.controller.session.key).centre.staff.carers == 3

    type_into(qtbot, form.fields["indoor_area_m2"].edit, "30")
    qtbot.mouseClick(form._table_buttons[2], Qt.MouseButton.LeftButton)
    edit_cell(qtbot, form.classes_view, 0, 2, "12")
    window.workspace.show_indicator("4.1.2")
    # The class typed in the profile reaches the room check; this format 1 rubric gives no
    # room minimum, so the check says it cannot judge rather than inventing a figure.
    findings = window.workspace.scoring.panel.findings.text()
    assert "评估标准未给出托小班活动用房面积下限，无法核对托小班「第1个班」" in findings


def test_hints_match_the_checks_and_an_impossible_date_is_called_that(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, store: Store
) -> None:
    window = open_new(make_window, small_rubric)
    form = window.workspace.profile
    key = window.controller.session.key
    # The credit-code example passes the app's own check when typed in as shown.
    example = form.fields["uscc"].edit.placeholderText().split("如 ")[1]
    type_into(qtbot, form.fields["uscc"].edit, example)
    assert form.message("uscc") == "" and store.load(key).centre.uscc == example
    # The division-code hint names every length the check accepts.
    assert "6 位、9 位或 12 位" in form.fields["division_code"].edit.placeholderText()
    type_into(qtbot, form.fields["division_code"].edit, "110105001")
    assert form.message("division_code") == ""

    type_into(qtbot, form.fields["date"].edit, "2026-13-45")
    assert "日期不存在：2026-13-45" in form.message("date")
    assert "格式" not in form.message("date")
    type_into(qtbot, form.fields["date"].edit, "2026/01/05")
    assert "日期格式应为 YYYY-MM-DD" in form.message("date")
