"""The commission's workspace, reached from the home screen: import, register, statistics."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from assessor.core.problems import UserError
from assessor.core.register.register import Register
from assessor.core.register.summary import Summary
from assessor.gui.plans.plan_status_panel import PlanStatusPanel
from assessor.gui.register.assessment_view import AssessmentView
from assessor.gui.register.import_panel import ImportPanel
from assessor.gui.register.register_table import RegisterTable
from assessor.gui.register.stats_panel import StatsPanel
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import tone


class RegisterScreen(QWidget):
    homeRequested = Signal()
    notice = Signal(str)

    def __init__(self, register: Path, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = Register.open(register, create=True)  # a first visit makes an empty one
        self.dialogs = dialogs
        self.views: list[AssessmentView] = []

        title = QLabel("卫健委登记库")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        where = QLabel(f"登记库：{register}")
        tone(where, "muted")
        self.back = QPushButton("返回评估列表(&B)")
        self.back.setToolTip("Esc")
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addWidget(where, 1)
        heading.addWidget(self.back)

        self.importer = ImportPanel(self.register, dialogs)
        self.table = RegisterTable(self.register, dialogs)
        self.stats = StatsPanel(self.register, dialogs)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.importer, "导入(&1)")
        self.tabs.addTab(self.table, "登记表(&2)")
        self.tabs.addTab(self.stats, "统计与导出(&3)")
        self.plans = PlanStatusPanel(self.register)
        self.tabs.addTab(self.plans, "评估计划(&4)")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(heading)
        layout.addWidget(self.tabs, 1)

        self.back.clicked.connect(self.leave)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.leave)
        for n in range(4):
            QShortcut(QKeySequence(f"Ctrl+{n + 1}"), self, lambda n=n: self.show_tab(n))
        QShortcut(QKeySequence.StandardKey.Find, self, self._find)
        self.importer.imported.connect(self._imported)
        self.table.openRequested.connect(self.open_assessment)
        self.table.notice.connect(self.notice)
        self.table.reviewed.connect(self.stats.show_open_flags)
        self.stats.notice.connect(self.notice)

    @property
    def busy(self) -> bool:
        return self.importer.busy or self.stats.busy

    def leave(self) -> None:
        if self.busy:
            self.notice.emit("导入或导出仍在进行，请等待完成或先取消导入")
            return
        self.homeRequested.emit()

    def show_tab(self, n: int) -> None:
        """Show a tab with the keyboard on its main control."""
        self.tabs.setCurrentIndex(n)
        target = (self.importer.sources, self.table.view, self.stats.compute, self.plans.plans)[n]
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _find(self) -> None:
        self.show_tab(1)
        self.table.search.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _imported(self, summary: Summary) -> None:
        self.table.reload()
        self.stats.show_open_flags()
        self.notice.emit(f"导入批次 {summary.batch_id}：新登记 {summary.registered} 份")

    def open_assessment(self, sha256: str) -> None:
        try:
            view = AssessmentView(self.register, sha256, self.importer.trust, self.dialogs, self)
        except (KeyError, UserError) as exc:
            self.dialogs.error("无法打开评估", str(exc))
            return
        self.views.append(view)
        view.changed.connect(self.table.reload)
        view.changed.connect(self.stats.show_open_flags)
        view.finished.connect(lambda _=0, v=view: self._closed(v))
        self.dialogs.present(view)

    def _closed(self, view: AssessmentView) -> None:
        if view in self.views:
            self.views.remove(view)
        view.deleteLater()
