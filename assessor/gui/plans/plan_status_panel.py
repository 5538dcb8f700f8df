"""The register's 「评估计划」 tab: each planned visit of a plan, pending, done or overdue."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.core.clock import beijing_today
from assessor.core.cycle.plan_store import DONE, STATE_LABELS
from assessor.core.problems import UserError
from assessor.core.register.register import Register
from assessor.gui.widgets.style import ems, tone

COLUMNS = ("机构名称", "统一社会信用代码", "区县", "评估组", "状态", "评估编号", "任务")


class PlanStatusPanel(QWidget):
    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.plans = QComboBox()
        self.plans.currentIndexChanged.connect(lambda _: self.show_plan())
        self.summary = QLabel()
        tone(self.summary, "muted")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 13), (2, 6), (3, 6), (4, 5), (5, 18), (6, 4)):
            self.table.setColumnWidth(column, ems(self.table, width))
        top = QHBoxLayout()
        top.addWidget(QLabel("评估计划："))
        top.addWidget(self.plans)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def showEvent(self, event: QShowEvent) -> None:
        # Plans and imports arrive from the command line and the import tab meanwhile.
        self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        """Plans newest last, the newest shown (commands add plans while the screen is open)."""
        try:
            found = self.register.cycle.plans()
        except UserError as exc:
            self.summary.setText(str(exc))
            return
        self.plans.blockSignals(True)
        self.plans.clear()
        for plan_id, cycle, due_on, visits in found:
            self.plans.addItem(f"{plan_id}（{cycle} 年度，期限 {due_on}，{visits} 家）", plan_id)
        self.plans.setCurrentIndex(len(found) - 1)
        self.plans.blockSignals(False)
        self.show_plan()

    def show_plan(self) -> None:
        plan_id = self.plans.currentData()
        if plan_id is None:
            self.table.setRowCount(0)
            self.summary.setText("登记库中还没有评估计划（用 register plan new 签发）")
            return
        try:
            states = self.register.cycle.visit_states(plan_id, beijing_today())
            again = self.register.cycle.followup_states(plan_id, beijing_today())
        except UserError as exc:
            self.summary.setText(str(exc))
            return
        rows = [("评估", s) for s in states] + [("复查", s) for s in again]
        self.table.setRowCount(len(rows))
        for row, (kind, s) in enumerate(rows):
            state = STATE_LABELS[s.state]
            cells = (s.name, s.uscc, s.district, s.team_id, state, s.assessment_id, kind)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text or ""))
        counts = "；".join(
            f"{label} {sum(s.state == state for s in states)}"
            for state, label in STATE_LABELS.items()
        )
        if again:
            done = sum(s.state == DONE for s in again)
            counts += f"；复查 {len(again)} 家，已完成 {done}"
        self.summary.setText(counts)
