"""The leader sets the team: members (name, body, assessor id from their certificate when they
have a key; the first row is the leader) and who answers for each dimension."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.team import Team, TeamMember
from assessor.core.problems import ProblemsError, UserError, problems_from_validation
from assessor.core.session import EditingSession
from assessor.gui.widgets.style import tone

COLUMNS = ("姓名", "所属单位", "评估员编号（无密钥留空）")


class TeamEditor(QDialog):
    def __init__(self, session: EditingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("设置评估组")
        self.session = session
        team = session.assessment.team
        self.known = {m.name: m.id for m in team.members} if team else {}
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        members = team.members if team else []
        if team:  # the leader first
            members = sorted(members, key=lambda m: m.id != team.leader)
        for member in members or [TeamMember(name="组长")]:
            self.add_row(member.name, member.body, member.assessor_id)
        add = QPushButton("添加成员")
        add.clicked.connect(lambda: self.add_row("", "", ""))
        self.assignment: dict[str, QComboBox] = {}
        form = QFormLayout()
        for dim in session.rubric.rubric.dimensions:
            combo = QComboBox()
            self.assignment[dim.id] = combo
            form.addRow(f"{dim.id} {dim.name}", combo)
        self._refresh_choices()
        if team:
            for dim_id, combo in self.assignment.items():
                member = team.assignment.get(dim_id, team.leader)
                combo.setCurrentText(team.member(member).name)
        self.table.cellChanged.connect(lambda _r, _c: self._refresh_choices())
        self.error = QLabel()
        tone(self.error, "fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("评估组成员（第一行为组长）："))
        layout.addWidget(self.table)
        layout.addWidget(add)
        layout.addWidget(QLabel("分工（按维度；未改动的由组长负责）："))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def add_row(self, name: str, body: str, assessor_id: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((name, body, assessor_id)):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item else ""

    def _names(self) -> list[str]:
        return [n for r in range(self.table.rowCount()) if (n := self._cell(r, 0))]

    def _refresh_choices(self) -> None:
        names = self._names()
        for combo in self.assignment.values():
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            if current in names:
                combo.setCurrentText(current)
            combo.blockSignals(False)

    def team(self) -> Team:
        try:
            members = [
                TeamMember(
                    name=self._cell(r, 0), body=self._cell(r, 1), assessor_id=self._cell(r, 2)
                )
                for r in range(self.table.rowCount())
                if self._cell(r, 0)
            ]
            if not members:
                raise UserError("评估组至少要有组长一人")
            members = [m.model_copy(update={"id": self.known.get(m.name, m.id)}) for m in members]
            ids = {m.name: m.id for m in members}
            if len(ids) != len(members):
                raise UserError("评估组成员姓名重复")
            assignment = {
                dim_id: ids[combo.currentText()]
                for dim_id, combo in self.assignment.items()
                if combo.currentText() in ids and ids[combo.currentText()] != members[0].id
            }
            # Per-indicator assignments (set with `team set`) are kept while their member stays.
            old = self.session.assessment.team
            kept = {
                k: v
                for k, v in (old.assignment.items() if old else [])
                if k in self.session.rubric.by_id and v in ids.values()
            }
            assignment = {**kept, **assignment}
            return Team(leader=members[0].id, members=members, assignment=assignment)
        except ValidationError as exc:
            raise ProblemsError(problems_from_validation("评估组", exc)) from None

    def save(self) -> None:
        try:
            self.session.set_team(self.team())
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
