"""「导入评估任务」 on the home screen, by keyboard: verify, install, list, start a visit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.cycle.laptop_plans import installed_plans
from assessor.core.cycle.laptop_trust import installed_roots
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.training import fingerprint
from assessor.core.signing.verification import load_trust_roots
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from tests.core.register.builders import Commission
from tests.gui.helpers import FakeDialogs, press

Ctrl = Qt.KeyboardModifier.ControlModifier


def test_import_tasks_confirm_roots_and_start_a_prefilled_visit_by_keyboard(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    package_file: Path,
    commission: Commission,
) -> None:
    window = make_window(full_rubric)
    dialogs.plan_package = package_file
    press(qtbot, Qt.Key.Key_P, Ctrl)  # 导入评估任务…

    screen = window.plans
    assert screen is not None and window.stack.currentWidget() is screen
    root = fingerprint(load_trust_roots([commission.ca_cert])[0])
    [(title, text)] = dialogs.asked
    assert title == "确认卫生健康委根证书"
    assert " ".join(root[i : i + 4] for i in range(0, 64, 4)) in text
    assert dialogs.errors == []
    assert [fingerprint(c) for c in installed_roots(store.root)] == [root]
    [installed] = installed_plans(store.root)
    visits = installed.package.visits
    assert screen.table.rowCount() == len(visits) > 0
    assert screen.table.item(0, 0).text() == visits[0].centre.name
    assert screen.table.item(0, 6).text() == "未开始"

    screen.table.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)  # 开始评估

    assert window.workspace is not None and window.stack.currentWidget() is window.workspace
    chosen = visits[1].centre
    record = store.load(window.controller.session.key)
    assert record.plan.plan_id == "2027-GUI" and record.plan.team_id == "第1组"
    assert record.format == "assessor.assessment/2"
    fields = window.workspace.profile.fields
    assert fields["name"].edit.text() == chosen.name
    assert fields["uscc"].edit.text() == chosen.uscc
    assert fields["address"].edit.text() == chosen.address
    assert fields["division_code"].edit.text() == chosen.division_code

    press(qtbot, Qt.Key.Key_W, Ctrl)  # back to the list
    assert window.stack.currentWidget() is window.home
    press(qtbot, Qt.Key.Key_P, Ctrl)
    assert screen.table.item(1, 6).text() == "已开始"
    screen.table.setFocus()
    screen.table.selectRow(1)
    press(qtbot, Qt.Key.Key_Return)  # opens the same record, no second one
    assert window.controller.session.key == record.id + "-v1"
    assert len([r for r in store.list() if r.uscc == chosen.uscc]) == 1


def test_a_tampered_package_is_refused_with_a_message(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    package_file: Path,
    tmp_path: Path,
) -> None:
    window = make_window(full_rubric)
    dialogs.plan_package = package_file
    press(qtbot, Qt.Key.Key_P, Ctrl)
    count = window.plans.table.rowCount()
    tampered = tmp_path / "tampered.assessor-plan"
    swap = ('"team_id":"第1组"'.encode(), '"team_id":"第2组"'.encode())
    tampered.write_bytes(package_file.read_bytes().replace(*swap, 1))
    assert tampered.read_bytes() != package_file.read_bytes()
    dialogs.plan_package = tampered
    window.plans.table.setFocus()
    press(qtbot, Qt.Key.Key_O, Ctrl)  # 导入评估任务…
    [(title, message)] = dialogs.errors
    assert title == "无法导入评估任务"
    assert "签名无效：文件内容被改动" in message
    assert window.plans.table.rowCount() == count
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home


def test_a_visit_under_a_rubric_only_the_package_brought_starts_and_reopens(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    package_with_own_rubric: Path,
) -> None:
    window = make_window(full_rubric)
    dialogs.plan_package = package_with_own_rubric
    press(qtbot, Qt.Key.Key_P, Ctrl)
    window.plans.table.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert dialogs.errors == []
    session = window.controller.session
    assert session.rubric.sha256 != full_rubric.sha256
    assert session.rubric.sha256 == session.assessment.rubric.sha256
    key = session.key
    press(qtbot, Qt.Key.Key_W, Ctrl)
    press(qtbot, Qt.Key.Key_P, Ctrl)
    window.plans.table.setFocus()
    press(qtbot, Qt.Key.Key_Return)  # reopens: the installed rubric is found again
    assert dialogs.errors == []
    assert window.controller.session.key == key
