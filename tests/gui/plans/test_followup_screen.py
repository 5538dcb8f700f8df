"""A follow-up visit (复查) driven by the keyboard: import the task, record outcomes with a note
and evidence, sign; the register then closes what was rectified."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.clock import now_utc
from assessor.core.cycle.followup_register import followup_task, import_followup
from assessor.core.cycle.plan_build import FOLLOW_UP_ALL, PlanRequest, Sampling
from assessor.core.cycle.rectification import CLOSED, OPEN, items, open_items
from assessor.core.cycle.teams import read_teams
from assessor.core.paths import default_rubric_path
from assessor.core.register.db import connect
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.register import Register
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey, import_key
from assessor.core.signing.verification import load_trust_roots
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from assessor.gui.plans.plans_screen import TASK_COLUMN
from tests.core.cycle.plan_fixtures import register_with_roster, write_teams
from tests.core.register.builders import KEY_PASSPHRASE, Commission, assessment, signed, uscc
from tests.gui.helpers import FakeDialogs, press
from tests.roster_builders import roster_rows

Ctrl = Qt.KeyboardModifier.ControlModifier
CtrlShift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def register_with_items(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
) -> Path:
    record = assessment(rubric, 6, division="350102", day=dt.date(2026, 5, 4))
    maxima = {ind.id: ind.max for ind in rubric.indicators}
    first_lost = next(
        n
        for n, s in enumerate(record.scores)
        if s.score is not None and s.score < maxima[s.indicator]
    )
    record.scores[first_lost] = record.scores[first_lost].model_copy(
        update={"note": "晨检记录缺三天"}
    )
    file = tmp_path / "a.json"
    file.write_bytes(signed(rubric, record, signer))
    run_import(tmp_path / "register", [file], options)
    conn = connect(tmp_path / "register")
    open_items(conn)
    conn.close()
    return tmp_path / "register"


def test_a_follow_up_by_keyboard(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    register_with_items: Path,
    commission: Commission,
    plan_key: SigningKey,
    tmp_path: Path,
) -> None:
    roots = load_trust_roots([commission.ca_cert])
    conn = connect(register_with_items)
    centre = uscc(6, "350102")
    task_file = tmp_path / "复查.assessor-followup"
    task_file.write_bytes(
        followup_task(
            conn, centre, commission="测试市卫生健康委员会", trust_roots=roots, crl=None,
            signer=plan_key, at=now_utc(),
        )
    )  # fmt: skip
    open_before = items(conn, uscc=centre)
    import_key(commission.root / "zhang.p12", KEY_PASSPHRASE, store.root / "keys")

    window = make_window(full_rubric)
    press(qtbot, Qt.Key.Key_P, Ctrl)  # 评估任务; nothing installed, the plan dialog is cancelled
    dialogs.followup_task = task_file
    window.plans.table.setFocus()
    press(qtbot, Qt.Key.Key_O, CtrlShift)  # 导入复查任务…
    assert dialogs.asked[-1][0] == "确认卫生健康委根证书"
    screen = window.followup
    assert screen is not None and window.stack.currentWidget() is screen
    assert screen.table.rowCount() == len(open_before)
    assert "原评估发现：晨检记录缺三天" in screen.finding.text()

    press(qtbot, Qt.Key.Key_1)  # 已整改, and on to the next item
    assert screen.table.item(0, 4).text() == "已整改"
    assert screen.table.currentRow() == 1
    press(qtbot, Qt.Key.Key_E, Ctrl)
    assert screen.note.hasFocus()
    screen.note.setPlainText("制度已补，记录仍缺一周")
    press(qtbot, Qt.Key.Key_Escape)
    assert screen.table.hasFocus()
    photo = tmp_path / "整改记录.jpg"
    photo.write_bytes(b"photo")
    dialogs.files = [photo]
    press(qtbot, Qt.Key.Key_A, CtrlShift)
    press(qtbot, Qt.Key.Key_2)  # 部分整改
    assert screen.table.item(1, 4).text() == "部分整改"
    for _ in range(len(open_before) - 2):
        press(qtbot, Qt.Key.Key_1)

    dialogs.secret = KEY_PASSPHRASE
    dialogs.folder = tmp_path / "out"
    press(qtbot, Qt.Key.Key_E, CtrlShift)  # 签名导出复查记录…
    assert dialogs.errors == []
    [record] = (tmp_path / "out").glob("*.followup.json")
    copies = [p for p in (tmp_path / "out").iterdir() if p != record]
    assert [p.read_bytes() for p in copies] == [photo.read_bytes()]
    result = import_followup(conn, record, roots, now_utc())
    assert (result.closed, result.still_open) == (len(open_before) - 1, 1)
    states = [i.state for i in items(conn, uscc=centre)]
    assert states.count(OPEN) == 1 and states.count(CLOSED) == len(open_before) - 1
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.plans
    conn.close()


def test_a_follow_up_started_from_a_plan_by_keyboard(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    register_with_items: Path,
    commission: Commission,
    plan_key: SigningKey,
    tmp_path: Path,
) -> None:
    """The plan names the follow-up; the team's package carries its task; 「导入评估任务」 lists
    it after the planned visits and Return starts it with the open items and findings."""
    register_with_roster(tmp_path, roster_rows(30)).close()  # the same register, now rostered
    cycle = Register.open(register_with_items).cycle
    request = PlanRequest(
        cycle="2027",
        due_on=dt.date(2099, 6, 30),
        teams=read_teams(write_teams(tmp_path / "teams.csv")),
        created_at=now_utc(),
        sampling=Sampling(Fraction(1, 10), seed=3),
        plan_id="2027-FU",
        followups=(FOLLOW_UP_ALL,),
    )
    plan, _ = cycle.issue_plan(request, plan_key)
    [planned] = plan.followups
    centre = uscc(6, "350102")
    assert planned.uscc == centre
    roots = load_trust_roots([commission.ca_cert])
    package = tmp_path / "team.assessor-plan"
    package.write_bytes(
        cycle.package(
            "2027-FU", planned.team_id, rubric=default_rubric_path(), trust_roots=roots,
            crl=None, signer=plan_key, at=now_utc(),
        )
    )  # fmt: skip
    open_before = cycle.items(uscc=centre, open_only=True)
    import_key(commission.root / "zhang.p12", KEY_PASSPHRASE, store.root / "keys")

    window = make_window(full_rubric)
    dialogs.plan_package = package
    press(qtbot, Qt.Key.Key_P, Ctrl)  # 导入评估任务…
    assert dialogs.errors == []
    plans = window.plans
    visits = sum(v.team_id == planned.team_id for v in plan.visits)
    assert plans.table.rowCount() == visits + 1
    last = plans.table.rowCount() - 1
    assert plans.table.item(last, 0).text() == planned.name
    assert plans.table.item(last, TASK_COLUMN).text() == "复查"
    assert plans.table.item(last, 6).text() == "未开始"
    assert plans.start_button.text() == "开始评估"  # the first row, a planned assessment

    plans.table.setFocus()
    press(qtbot, Qt.Key.Key_End, Ctrl)
    assert plans.table.currentRow() == last
    assert plans.start_button.text() == "开始复查"
    press(qtbot, Qt.Key.Key_Return)  # 开始复查
    screen = window.followup
    assert screen is not None and window.stack.currentWidget() is screen
    assert screen.task.task_id.startswith("FU-2027-FU-")
    assert screen.table.rowCount() == len(open_before)
    assert "原评估发现：晨检记录缺三天" in screen.finding.text()
    assert "原证据：" in screen.finding.text()
    for _ in open_before:
        press(qtbot, Qt.Key.Key_1)  # 已整改
    assert all(screen.table.item(n, 4).text() == "已整改" for n in range(len(open_before)))
    dialogs.secret = KEY_PASSPHRASE
    dialogs.folder = tmp_path / "out"
    press(qtbot, Qt.Key.Key_E, CtrlShift)  # 签名导出复查记录…
    assert dialogs.errors == []
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is plans
    done = f"已记录 {len(open_before)}/{len(open_before)}"
    assert plans.table.item(last, 6).text() == done

    [record] = (tmp_path / "out").glob("*.followup.json")
    result = cycle.import_followup(record, roots, now_utc())
    assert (result.closed, result.still_open) == (len(open_before), 0)
    [state] = cycle.followup_states("2027-FU", dt.date(2027, 1, 1))
    assert (state.uscc, state.state) == (centre, "done")
