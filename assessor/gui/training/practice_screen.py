"""Scoring a sample: the normal assessment workspace beside the sample's dossier."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from assessor.core.training.practice import Practice
from assessor.gui.assessment.controller import AssessmentController
from assessor.gui.assessment.shortcuts_help import bind, binding, shown_keys
from assessor.gui.assessment.workspace import Workspace
from assessor.gui.training.dossier_panel import DossierPanel
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import tone

MODE_NAMES = {"practice": "练习样例", "test": "测试样例"}


class PracticeScreen(QWidget):
    submitRequested = Signal()
    leaveRequested = Signal()
    notice = Signal(str)

    def __init__(self, practice: Practice, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice = practice
        self.dialogs = dialogs
        self.controller = AssessmentController(practice.session, self)
        self.workspace = Workspace(self.controller, dialogs)
        # Submitting replaces finalising: a practice draft is compared, never signed.
        self.workspace.finalise_button.hide()
        submit_keys = shown_keys(binding("培训练习", "submit"))
        self.workspace.finalise_instead = (
            f"练习不需要「完成评估」：评完所有指标后按 {submit_keys} 提交评分"
        )
        self.workspace.homeRequested.connect(self.leave)
        self.workspace.notice.connect(self.notice)
        self.dossier = DossierPanel(practice.sample)

        sample = practice.sample
        heading = QLabel(
            f"培训练习 · {MODE_NAMES[sample.mode]}：{sample.title}　学员 {practice.trainee.name}"
            f"（{practice.trainee.trainee_id}）"
        )
        tone(heading, "sectionTitle")
        self.submit_button = QPushButton(f"提交评分（{submit_keys}）")
        self.submit_button.clicked.connect(self.submitRequested.emit)
        head = QHBoxLayout()
        head.setContentsMargins(8, 6, 8, 0)
        head.addWidget(heading, 1)
        head.addWidget(self.submit_button)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.workspace)
        splitter.addWidget(self.dossier)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)

        scoring = self.workspace.scoring
        # Connected after the scoring view's own handler, so `current()` is already the new one.
        scoring.tree.selectionModel().currentChanged.connect(
            lambda *_: self.dossier.show_indicator(scoring.current())
        )
        self.dossier.show_indicator(scoring.current())
        bind(self, "培训练习", "submit", self.submitRequested.emit)

    def focus(self) -> None:
        self.workspace.show_scoring()

    def leave(self) -> None:
        if self.dialogs.confirm(
            "离开练习",
            "本次练习尚未提交，评分已自动保存在培训文件夹中：之后可在「未完成的练习」中继续，"
            "提交后才计入成绩。确定离开吗？",
            accept="离开",
            reject="继续评分",
        ):
            self.leaveRequested.emit()
