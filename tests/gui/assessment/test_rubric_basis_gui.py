"""The GUI shows what an indicator rests on, says what the rubric says about a 家庭托育点, and
takes the profile facts the corrected checks need (room per class, constrained refit)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from tests.gui.helpers import edit_cell


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    window = make_window(default_rubric())
    window.new_assessment()
    assert window.workspace is not None
    return window


def test_the_indicator_panel_shows_the_basis(window: MainWindow) -> None:
    window.workspace.show_scoring()
    window.workspace.scoring.select("5.1.6")
    basis = window.workspace.scoring.panel.basis
    assert basis.isVisible()
    assert basis.text().startswith("依据：《托育机构质量评估标准》（WS/T 821—2023） 5.1.6")
    assert "《中华人民共和国未成年人保护法》（2020年修订）第六十二条" in basis.text()


def test_a_format1_rubric_shows_no_basis_line(
    make_window: Callable[..., MainWindow], small_rubric: LoadedRubric
) -> None:
    window = make_window(small_rubric)
    window.new_assessment()
    window.workspace.show_scoring()
    window.workspace.scoring.select("4.1.2")
    assert window.workspace.scoring.panel.basis.isHidden()


def test_choosing_a_home_shows_the_rubric_scope(qtbot: QtBot, window: MainWindow) -> None:
    form = window.workspace.profile
    assert form.scope.isHidden()
    home = form.kind.findData("home")
    form.kind.setCurrentIndex(home)
    form.kind.activated.emit(home)
    assert form.scope.isVisible()
    assert form.scope.text().startswith("家庭托育点不在 WS/T 821—2023 的适用范围内")
    institution = form.kind.findData("institution")
    form.kind.setCurrentIndex(institution)
    form.kind.activated.emit(institution)
    assert form.scope.isHidden()


def test_room_area_per_class_and_the_refit_flag_reach_the_store(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    form = window.workspace.profile
    key = window.controller.session.key
    qtbot.mouseClick(form._table_buttons[2], Qt.MouseButton.LeftButton)
    edit_cell(qtbot, form.classes_view, 0, 2, "9")
    assert store.load(key).centre.classes[0].room_m2 is None  # blank: not measured
    edit_cell(qtbot, form.classes_view, 0, 4, "36.5")
    assert store.load(key).centre.classes[0].room_m2 == 36.5
    edit_cell(qtbot, form.classes_view, 0, 4, "")
    assert store.load(key).centre.classes[0].room_m2 is None
    edit_cell(qtbot, form.classes_view, 0, 4, "-3")
    assert "第 1 行「活动用房面积（m²）」" in form.classes_error.text()
    assert store.load(key).centre.classes[0].room_m2 is None

    form.constrained.setChecked(True)
    assert store.load(key).centre.outdoor_constrained


def test_a_basic_indicator_with_a_veto_line_says_so_and_its_partial_level_does_not_veto(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.workspace.show_scoring()
    scoring = window.workspace.scoring
    scoring.select("5.1.3")
    panel = scoring.panel
    assert "得分低于5 分（否决线）即为未达标" in panel.veto.text()
    panel.choose_level(2)  # 部分达标, 5 points: costs points, no veto
    assert "得分低于5 分（否决线）即为未达标" in panel.veto.text()
    assert not panel.veto_unmet
    panel.choose_level(3)  # 不达标, 0 points
    assert panel.veto_unmet
    scoring.select("4.1.1")
    assert "得分低于满分即为未达标" in panel.veto.text()
