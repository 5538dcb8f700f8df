"""One open assessment: header, profile and scoring tabs, the summary beside them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assessor.core.clock import beijing_text
from assessor.core.session import FinaliseBlocked
from assessor.gui.assessment.controller import AssessmentController
from assessor.gui.assessment.missing_panel import MissingPanel
from assessor.gui.assessment.profile_form import ProfileForm
from assessor.gui.assessment.scoring_view import ScoringView
from assessor.gui.assessment.shortcuts_help import bind, binding, shown_keys
from assessor.gui.assessment.summary_panel import SummaryPanel
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import ems, points, tone

PROFILE_TAB, SCORING_TAB = 0, 1
SUMMARY_MIN_EMS = 88


class Workspace(QWidget):
    homeRequested = Signal()
    teamRequested = Signal()
    notice = Signal(str)

    def __init__(
        self, controller: AssessmentController, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.dialogs = dialogs
        session = controller.session

        header = QHBoxLayout()
        back = QPushButton("← 评估列表")
        back.setToolTip(shown_keys(binding("评估", "home")))
        back.clicked.connect(self.go_home)
        header.addWidget(back)
        self.title = QLabel()
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        # Elided to the space left, so the buttons beside it are never pushed off.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._title_text = ""
        header.addWidget(self.title, 1)
        self.status = QLabel()
        tone(self.status, "muted")
        header.addWidget(self.status)
        # The total in a line, shown while the summary beside the tabs is hidden.
        self.total = QLabel()
        header.addWidget(self.total)
        self.summary_button = QPushButton("汇总")
        self.summary_button.setCheckable(True)
        self.summary_button.setChecked(True)
        self.summary_button.setToolTip("显示或隐藏右侧的得分汇总（窗口较窄时自动隐藏）")
        self.summary_button.clicked.connect(self._summary_chosen)
        header.addWidget(self.summary_button)
        self.undo_button = self._button(header, "撤销", "undo", self.undo)
        self.redo_button = self._button(header, "重做", "redo", self.redo)
        self.finalise_button = self._button(header, "完成评估…", "finalise", self.finalise)
        self.team_button = QPushButton("评估组…")
        self.team_button.setToolTip("任务包、成员的部分、现场反馈确认与共同签名")
        self.team_button.clicked.connect(self.teamRequested.emit)
        header.addWidget(self.team_button)
        # Offered on every record but a trainee's practice: any assessment may become a team's.
        # Only ever hidden here: showing a widget before the layout parents it opens a window.
        if session.assessment.training and session.assessment.team is None:
            self.team_button.hide()
        # Set where this workspace must never finalise (a practice draft is submitted instead):
        # what the finalise key says there.
        self.finalise_instead: str | None = None

        self.missing = MissingPanel()
        self.profile = ProfileForm(controller)
        self.scoring = ScoringView(controller, dialogs)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.profile, f"机构信息（{shown_keys(binding('评估', 'profile_tab'))}）")
        self.tabs.addTab(self.scoring, f"评分（{shown_keys(binding('评估', 'scoring_tab'))}）")
        self.summary = SummaryPanel()
        self.summary.set_rubric(session.rubric)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.summary)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([1000, 320])
        self._summary_auto = True  # hidden and shown with the width until the user chooses

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addLayout(header)
        layout.addWidget(self.missing)
        layout.addWidget(splitter, 1)

        bind(self, "评估", "profile_tab", lambda: self.tabs.setCurrentIndex(PROFILE_TAB))
        bind(self, "评估", "scoring_tab", self.show_scoring)
        bind(self, "评估", "undo", self.undo)
        bind(self, "评估", "redo", self.redo)
        bind(self, "评估", "finalise", self.finalise)
        bind(self, "评估", "home", self.go_home)

        controller.scoresChanged.connect(self._scores_changed)
        controller.profileChanged.connect(self._profile_changed)
        controller.failed.connect(self.notice)
        self.scoring.notice.connect(self.notice)
        self.scoring.allScored.connect(self._all_scored)
        self.summary.indicatorLinkActivated.connect(self.show_indicator)
        self.missing.indicatorChosen.connect(self.show_indicator)
        self.missing.gapChosen.connect(self._show_gap)
        self.missing.closedWithoutFocus.connect(self._focus_tab)

        self._refresh_header()
        self._refresh_summary()
        self.tabs.setCurrentIndex(SCORING_TAB if session.assessment.centre.name else PROFILE_TAB)

    def _button(
        self, row: QHBoxLayout, text: str, name: str, slot: Callable[[], None]
    ) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(shown_keys(binding("评估", name)))
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    # ---- actions ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Save a note typed since its last save."""
        self.scoring.panel.flush_note()

    def go_home(self) -> None:
        self.flush()
        self.homeRequested.emit()

    def show_scoring(self) -> None:
        self.tabs.setCurrentIndex(SCORING_TAB)
        self.scoring.focus_tree()

    def show_indicator(self, indicator_id: str) -> None:
        self.tabs.setCurrentIndex(SCORING_TAB)
        self.scoring.select(indicator_id)
        self.scoring.focus_tree()

    def undo(self) -> None:
        self._history(self.controller.undo, "撤销", "没有可撤销的修改")

    def redo(self) -> None:
        self._history(self.controller.redo, "重做", "没有可重做的修改")

    def _history(self, step: Callable[[], str | None], verb: str, nothing: str) -> None:
        self.flush()
        indicator = step()
        if indicator is None:
            if not self.controller.session.is_final:
                self.notice.emit(nothing)
            return
        self.show_indicator(indicator)
        self.notice.emit(f"已{verb}指标 {indicator} 的修改")

    def finalise(self) -> None:
        self.flush()
        if self.finalise_instead:
            self.notice.emit(self.finalise_instead)
            return
        session = self.controller.session
        if session.is_final:
            self.notice.emit("本评估已完成")
            return
        if session.unscored() or session.profile_gaps() or session.unresolved_warnings():
            self._blocked()
            return
        result = session.result
        if not self.dialogs.confirm(
            "完成评估",
            f"总分 {points(result.total)} 分，等级 {result.grade}（{result.explanation.label}）。\n\n"
            "完成后本评估将被锁定为只读，不能再修改评分、备注或机构信息；"
            "如需更正，只能新建修订版本。\n\n确定完成评估吗？",
            accept="完成评估",
        ):
            return
        try:
            done = self.controller.finalise()
        except FinaliseBlocked:
            self._blocked()
            return
        if done:
            self.missing.hide()
            self.profile.set_read_only(True)
            self._refresh_header()
            self._refresh_summary()
            self.notice.emit("评估已完成，内容已锁定为只读")

    def _all_scored(self) -> None:
        # What finishing means here: finalising, or whatever replaces it (a practice is
        # submitted with its own key, never finalised).
        then = self.finalise_instead or (
            f"可以完成评估（{shown_keys(binding('评估', 'finalise'))}）"
        )
        self.notice.emit(f"所有指标均已评分，{then}")

    def _blocked(self) -> None:
        self.missing.open_with_focus(self.controller.session)
        self.notice.emit("尚有未完成的内容，不能完成评估")

    def _focus_tab(self) -> None:
        if self.tabs.currentIndex() == SCORING_TAB:
            self.scoring.focus_tree()
        else:
            self.tabs.currentWidget().setFocus()

    def _show_gap(self, gap: str) -> None:
        self.tabs.setCurrentIndex(PROFILE_TAB)
        self.profile.focus_gap(gap)

    def _summary_chosen(self, on: bool) -> None:
        self._summary_auto = False
        self.summary.setVisible(on)
        self.total.setVisible(not on)

    def _elide_title(self) -> None:
        width = max(self.title.width(), ems(self.title, 6))
        self.title.setText(
            self.title.fontMetrics().elidedText(
                self._title_text, Qt.TextElideMode.ElideRight, width
            )
        )
        self.title.setToolTip(self._title_text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide_title()
        # Below this width the summary would squeeze the indicator text to a few characters;
        # the button brings it back, and the total stays in the header.
        if self._summary_auto:
            wide = self.width() >= ems(self, SUMMARY_MIN_EMS)
            self.summary_button.blockSignals(True)
            self.summary_button.setChecked(wide)
            self.summary_button.blockSignals(False)
            self.summary.setVisible(wide)
            self.total.setVisible(not wide)

    # ---- refreshing ------------------------------------------------------------------------

    def _scores_changed(self, _indicator: str) -> None:
        self._refresh_summary()
        self.missing.refresh(self.controller.session)
        self._refresh_buttons()

    def _profile_changed(self) -> None:
        self._refresh_header()
        self.missing.refresh(self.controller.session)

    def _refresh_summary(self) -> None:
        session = self.controller.session
        result = session.result
        self.summary.show_result(result, final=session.is_final)
        predicted = "" if result.completeness.complete else "，预测"
        self.total.setText(
            f"总分 {points(result.total)}　{result.grade}（{result.explanation.label}{predicted}）"
        )

    def _refresh_header(self) -> None:
        a = self.controller.session.assessment
        name = a.centre.name or "（未填写机构名称）"
        self._title_text = name + ("　[培训/样例]" if a.training else "")
        self._elide_title()
        version = f"第 {a.version} 版修订　" if a.version > 1 else ""
        if a.finalised_at is not None:
            local = beijing_text(a.finalised_at, "%Y-%m-%d %H:%M")
            self.status.setText(f"{version}已完成（{local}），只读")
        else:
            self.status.setText(f"{version}草稿")
        self.status.setToolTip(f"修订原因：{a.amendment_reason}" if a.amendment_reason else "")
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        session = self.controller.session
        self.undo_button.setEnabled(session.can_undo)
        self.redo_button.setEnabled(session.can_redo)
        self.finalise_button.setEnabled(not session.is_final)
