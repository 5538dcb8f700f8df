"""「评估任务」: import a commission's plan package and start the visits it plans.

A package may also name follow-up visits (复查) to centres with open rectification items; their
rows start the follow-up screen with the open items, the previous finding and evidence.

Importing verifies the commission's signature before anything is installed; the first package
(or one under roots this laptop does not hold) needs the person to confirm the roots'
fingerprints against the ones the commission published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.core.cycle.followup_model import FollowUpTask
from assessor.core.cycle.laptop_followups import install_task, outcomes
from assessor.core.cycle.laptop_plans import (
    install_package,
    installed_plans,
    planned_assessment,
    planned_followup,
    planned_followups,
)
from assessor.core.cycle.laptop_trust import UnconfirmedRoots
from assessor.core.cycle.package_model import PlanPackage
from assessor.core.problems import UserError
from assessor.core.storage.store import Store
from assessor.gui.assessment.shortcuts_help import bind, binding, shown_keys
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import ems, tone

COLUMNS = ("机构名称", "统一社会信用代码", "地址", "计划", "评估组", "完成期限", "本机", "任务")
TASK_COLUMN = 7


@dataclass(frozen=True)
class PlannedRow:
    package: PlanPackage
    uscc: str
    record_key: str | None
    """The laptop's record of this visit, once started."""
    followup: FollowUpTask | None = None
    """The follow-up task, when the row is a follow-up visit rather than an assessment."""

    @property
    def centre(self) -> tuple[str, str]:
        """(name, address) of the centre visited."""
        if self.followup is not None:
            return self.followup.centre.name, self.followup.centre.address
        centre = self.package.visit(self.uscc).centre
        return centre.name, centre.address


class PlansScreen(QWidget):
    homeRequested = Signal()
    startRequested = Signal(object)  # a new planned draft (Assessment), not yet stored
    openRequested = Signal(str)  # the key of the visit's record already on this laptop
    followupRequested = Signal(str)  # the id of a follow-up task installed or planned
    notice = Signal(str)

    def __init__(self, store: Store, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.dialogs = dialogs
        self.rows: list[PlannedRow] = []

        title = QLabel("评估任务")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel()
        tone(self.summary, "muted")
        self.import_button = self._button("导入评估任务…", "import", self.import_package)
        self.followup_button = self._button("导入复查任务…", "followup", self.import_followup)
        self.start_button = self._button("开始评估", "start", self.start_selected)
        self.back = self._button("返回评估列表", "back", self.homeRequested.emit)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addWidget(self.summary, 1)
        heading.addWidget(self.import_button)
        heading.addWidget(self.followup_button)
        heading.addWidget(self.start_button)
        heading.addWidget(self.back)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 13), (2, 16), (3, 8), (4, 6), (5, 7), (6, 6), (7, 3)):
            self.table.setColumnWidth(column, ems(self.table, width))
        self.table.activated.connect(lambda _: self.start_selected())
        self.table.currentCellChanged.connect(lambda *_: self._name_start())
        self.empty = QLabel("还没有评估任务：请导入卫生健康委下发的评估任务包（.assessor-plan）。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tone(self.empty, "muted")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.reload()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(shown_keys(binding("评估任务", name)))
        button.clicked.connect(slot)
        if name != "start":  # Return starts through the table's own activation
            bind(self, "评估任务", name, slot)
        return button

    # ---- data ------------------------------------------------------------------------------

    def reload(self) -> None:
        try:
            packages = [p.package for p in installed_plans(self.store.root)]
        except UserError as exc:
            self.dialogs.error("无法读取评估任务", str(exc))
            packages = []
        started = {
            r.uscc: r.key for r in self.store.list() if r.uscc and not r.training and not r.broken
        }
        self.rows = [
            PlannedRow(package, visit.centre.uscc, started.get(visit.centre.uscc))
            for package in packages
            for visit in package.visits
        ] + [
            PlannedRow(package, task.centre.uscc, None, task)
            for package in packages
            for task in planned_followups(package)
        ]
        self.table.setRowCount(len(self.rows))
        for number, row in enumerate(self.rows):
            name, address = row.centre
            cells = (
                name,
                row.uscc,
                address,
                row.package.plan_id,
                row.package.team.team_id,
                row.package.due_on.isoformat(),
                self._progress(row),
                "复查" if row.followup else "评估",
            )
            for column, text in enumerate(cells):
                self.table.setItem(number, column, QTableWidgetItem(text))
        self.table.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows)
        self.start_button.setEnabled(bool(self.rows))
        visits = [r for r in self.rows if r.followup is None]
        open_count = sum(r.record_key is None for r in visits)
        again = len(self.rows) - len(visits)
        self.summary.setText(
            f"{len(packages)} 份任务包，{len(visits)} 家机构，其中 {open_count} 家尚未开始"
            + (f"；复查 {again} 家" if again else "")
            if packages
            else ""
        )
        if self.rows and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def _name_start(self) -> None:
        """The start button says what Return does on the selected row."""
        number = self.table.currentRow()
        followup = 0 <= number < len(self.rows) and self.rows[number].followup is not None
        self.start_button.setText("开始复查" if followup else "开始评估")

    def _progress(self, row: PlannedRow) -> str:
        if row.followup is None:
            return "已开始" if row.record_key else "未开始"
        recorded = outcomes(self.store.root, row.followup.task_id)
        done = sum(i.indicator_id in recorded for i in row.followup.items)
        return f"已记录 {done}/{len(row.followup.items)}" if done else "未开始"

    def focus_list(self) -> None:
        (self.table if self.rows else self.import_button).setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- actions ---------------------------------------------------------------------------

    def import_package(self) -> None:
        path = self.dialogs.choose_plan_package("导入评估任务")
        if path is None:
            return
        try:
            installed = self._install(path)
        except UserError as exc:
            self.dialogs.error("无法导入评估任务", str(exc))
            return
        if installed is None:
            return
        package = installed.package
        self.reload()
        self.focus_list()
        again = f"，复查 {len(package.followups)} 家" if package.followups else ""
        self.notice.emit(
            f"已导入评估任务：{package.cycle} 年度计划 {package.plan_id}，评估组「"
            f"{package.team.team_id}」，{len(package.visits)} 家机构{again}"
        )

    def import_followup(self) -> None:
        path = self.dialogs.choose_followup_task("导入复查任务")
        if path is None:
            return
        try:
            task = self._install(path, install_task)
        except UserError as exc:
            self.dialogs.error("无法导入复查任务", str(exc))
            return
        if task is not None:
            self.followupRequested.emit(task.task_id)

    def _install(self, path: Path, install=install_package):
        """`install` (a plan package or a follow-up task), asking to confirm unknown roots."""
        try:
            return install(self.store.root, path)
        except UnconfirmedRoots as unknown:
            prints = "\n".join(_grouped(f) for f in unknown.fingerprints)
            trusted = self.dialogs.confirm(
                "确认卫生健康委根证书",
                "本机第一次导入该卫生健康委的文件。请把下面的根证书 SHA-256 指纹与卫生健康委"
                f"公布的指纹逐组核对，一致才能信任：\n\n{prints}",
                accept="指纹一致，信任并导入",
                reject="取消",
            )
            if not trusted:
                return None
            return install(self.store.root, path, accepted_roots=unknown.fingerprints)

    def start_selected(self) -> None:
        number = self.table.currentRow()
        if not 0 <= number < len(self.rows):
            return
        row = self.rows[number]
        if row.followup is not None:
            try:
                task = planned_followup(self.store.root, row.package, row.uscc)
            except UserError as exc:
                self.dialogs.error("无法开始复查", str(exc))
                return
            self.followupRequested.emit(task.task_id)
            return
        if row.record_key is not None:
            self.openRequested.emit(row.record_key)
            return
        try:
            draft = planned_assessment(row.package, row.uscc)
        except UserError as exc:
            self.dialogs.error("无法开始评估", str(exc))
            return
        self.startRequested.emit(draft)


def _grouped(fingerprint: str) -> str:
    """`ab12cd…` as groups of four, easier to compare by eye and to read aloud."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))
