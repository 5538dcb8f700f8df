"""The register screen's 「评估计划」 tab (Ctrl+4): each planned visit pending, done or overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.clock import beijing_today, now_utc
from assessor.core.cycle.plan_build import PlanRequest, Sampling
from assessor.core.cycle.plan_issue import issue_plan
from assessor.core.cycle.teams import read_teams
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from tests.core.cycle.plan_fixtures import register_with_roster, write_teams
from tests.core.register.builders import assessment, signed, uscc
from tests.gui.helpers import focus

Ctrl = Qt.KeyboardModifier.ControlModifier


def test_the_register_lists_planned_visits_with_their_state(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    plan_key: SigningKey,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
) -> None:
    today = beijing_today()
    rows = [
        [f"第{n}托育中心", uscc(n, d), d, "路", "公办", 60, None]
        for n in range(1, 11)
        for d in ("350102", "350103")
    ]
    conn = register_with_roster(store.root, rows)  # the register the window opens
    teams = write_teams(
        store.root / "teams.csv",
        [["甲组", "甲", "", "350102", "卫健委", ""], ["乙组", "乙", "", "350103", "卫健委", ""]],
    )
    request = PlanRequest(
        cycle=str(today.year),
        due_on=today + dt.timedelta(days=30),
        teams=read_teams(teams),
        created_at=now_utc(),
        sampling=Sampling(Fraction(1, 2), seed=5),
        plan_id="P-GUI",
    )
    plan, _ = issue_plan(conn, request, plan_key)
    conn.close()
    visited = plan.visits[0].centre
    record = assessment(rubric, int(visited.uscc[10:17]), division=visited.division_code, day=today)
    file = store.root / "a.json"
    file.write_bytes(signed(rubric, record, signer))
    run_import(store.root / "register", [file], options)

    window = make_window(full_rubric)
    window.home.focus_list()
    qtbot.keyClick(focus(qtbot), Qt.Key.Key_L, Ctrl)
    qtbot.keyClick(focus(qtbot), Qt.Key.Key_4, Ctrl)
    screen = window.register_screen
    panel = screen.plans
    assert screen.tabs.currentIndex() == 3 and focus(qtbot) is panel.plans
    assert panel.plans.currentData() == "P-GUI"
    assert panel.table.rowCount() == len(plan.visits) == 10
    shown = {
        panel.table.item(r, 1).text(): panel.table.item(r, 4).text()
        for r in range(panel.table.rowCount())
    }
    assert shown[visited.uscc] == "已完成"
    assert sorted(shown.values()).count("待访视") == 9
    assert panel.summary.text() == "待访视 9；已完成 1；逾期 0"
