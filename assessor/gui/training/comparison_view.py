"""The result screen after submitting, and the trainer's full comparison.

For a practice sample, the trainee sees what `assessor train report` prints: every figure and
the largest disagreements with the reference rationale. For a test sample the trainee sees the
trainee view only (passed, the two agreements, the failed rule parts), or, for a sealed sample,
that the submission waits for the trainer. The trainer's instance (`trainer=True`), reached
only with the trainer key, shows a test comparison in full."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from assessor.core.training.comparison import Comparison
from assessor.core.training.figures import Figure, comparison_figures, disagreements
from assessor.core.training.trainee_view import (
    TEST_VIEW_NOTE,
    WAITING_TEXT,
    TraineeView,
    trainee_figures,
)
from assessor.gui.training.table import fill, text_table
from assessor.gui.widgets.style import GREEN, RED, tone

DISAGREEMENT_HEADERS = ("条款", "指标", "你的评分", "参考评分", "参考理由")


class ComparisonView(QWidget):
    reportRequested = Signal()
    againRequested = Signal()
    trainerRequested = Signal()

    def __init__(self, parent: QWidget | None = None, *, trainer: bool = False) -> None:
        super().__init__(parent)
        self.trainer_mode = trainer
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.verdict = QLabel()
        verdict_font = self.verdict.font()
        verdict_font.setPointSizeF(verdict_font.pointSizeF() * 1.2)
        verdict_font.setBold(True)
        self.verdict.setFont(verdict_font)
        self.certification = QLabel()
        tone(self.certification, "muted")

        self.form_body = QWidget()
        self.form = QFormLayout(self.form_body)
        figures = QScrollArea()
        figures.setWidgetResizable(True)
        figures.setWidget(self.form_body)

        self.worst_title = QLabel("差异最大的指标（附参考理由）")
        tone(self.worst_title, "sectionTitle")
        self.worst = text_table(DISAGREEMENT_HEADERS, stretch=4)
        self.test_note = QLabel(TEST_VIEW_NOTE)
        self.test_note.setWordWrap(True)
        tone(self.test_note, "muted")

        buttons = QHBoxLayout()
        self.report_button = QPushButton("导出练习报告 PDF…")
        self.report_button.clicked.connect(self.reportRequested.emit)
        again = QPushButton("再选一个样例")
        again.clicked.connect(self.againRequested.emit)
        # The trainer's instance leads on to the class list; the trainee's asks for the key.
        trainer = QPushButton("学员列表" if trainer else "培训师视图（需培训师密钥）")
        trainer.clicked.connect(self.trainerRequested.emit)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(trainer)
        buttons.addWidget(again)
        self.again_button = again

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.verdict)
        layout.addWidget(self.certification)
        layout.addWidget(figures, 3)
        layout.addWidget(self.worst_title)
        layout.addWidget(self.worst, 2)
        layout.addWidget(self.test_note)
        layout.addLayout(buttons)

    def show_comparison(self, c: Comparison) -> None:
        """Everything: a practice sample's result for the trainee, or any sample's for the
        trainer."""
        assert c.mode == "practice" or self.trainer_mode, "a trainee never sees a test comparison"
        who = "培训师视图 · 学员结果" if self.trainer_mode else "练习结果"
        self.title.setText(f"{who}：{c.sample_title}")
        self._verdict(
            c.passed,
            "符合可靠性规则" if c.passed else "未达到可靠性规则（详见下表“可靠性规则”一行）",
        )
        self._figures(comparison_figures(c))
        rows = disagreements(c)
        fill(
            self.worst,
            [(d.indicator, d.short, d.trainee, d.reference, d.rationale) for d in rows],
        )
        self._parts(table=True, note=False, report=c.mode == "practice" and not self.trainer_mode)

    def show_trainee_view(self, view: TraineeView, title: str) -> None:
        """A test sample's result as the trainee may see it."""
        self.title.setText(f"测试结果：{title}")
        self._verdict(view.passed, "通过" if view.passed else "未通过")
        self._figures(trainee_figures(view))
        fill(self.worst, [])
        self._parts(table=False, note=True, report=False)

    def show_waiting(self, title: str) -> None:
        """A sealed test sample's submission, before the trainer judges it."""
        self.title.setText(f"测试已提交：{title}")
        self.verdict.setText("等待培训师评判")
        self.verdict.setStyleSheet("")
        self._figures([Figure("waiting", "状态", WAITING_TEXT)])
        fill(self.worst, [])
        self._parts(table=False, note=False, report=False)

    def _verdict(self, passed: bool, text: str) -> None:
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {GREEN if passed else RED};")

    def _figures(self, figures: list[Figure]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for figure in figures:
            value = QLabel(figure.value)
            value.setObjectName(f"figure:{figure.key}")
            value.setWordWrap(True)
            self.form.addRow(figure.label, value)

    def _parts(self, *, table: bool, note: bool, report: bool) -> None:
        for widget in (self.worst_title, self.worst):
            widget.setVisible(table)
        self.test_note.setVisible(note)
        self.report_button.setVisible(report)

    def show_certification(self, text: str) -> None:
        self.certification.setText(text)

    def figure_texts(self) -> dict[str, str]:
        """What each figure row shows, by key (`figure:<key>` object names)."""
        return {
            label.objectName().removeprefix("figure:"): label.text()
            for label in self.form_body.findChildren(QLabel)
            if label.objectName().startswith("figure:")
        }
