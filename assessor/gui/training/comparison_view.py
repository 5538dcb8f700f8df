"""The comparison screen after submitting: the same figures `assessor train report` prints,
and for practice samples the largest disagreements with the reference rationale."""

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
from assessor.core.training.figures import comparison_figures, disagreements
from assessor.gui.training.table import fill, text_table
from assessor.gui.widgets.style import GREEN, RED, tone

DISAGREEMENT_HEADERS = ("条款", "指标", "你的评分", "参考评分", "参考理由")
TEST_NOTE = "这是测试样例：只显示一致性结果，参考评分与理由不公开。结果已计入认证。"


class ComparisonView(QWidget):
    reportRequested = Signal()
    againRequested = Signal()
    trainerRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.test_note = QLabel(TEST_NOTE)
        self.test_note.setWordWrap(True)
        tone(self.test_note, "muted")

        buttons = QHBoxLayout()
        self.report_button = QPushButton("导出练习报告 PDF…")
        self.report_button.clicked.connect(self.reportRequested.emit)
        again = QPushButton("再选一个样例")
        again.clicked.connect(self.againRequested.emit)
        trainer = QPushButton("培训师视图")
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
        self.title.setText(f"练习结果：{c.sample_title}")
        self.verdict.setText(
            "符合可靠性规则" if c.passed else "未达到可靠性规则（详见下表“可靠性规则”一行）"
        )
        colour = GREEN if c.passed else RED
        self.verdict.setStyleSheet(f"color: {colour};")
        while self.form.rowCount():
            self.form.removeRow(0)
        for figure in comparison_figures(c):
            value = QLabel(figure.value)
            value.setObjectName(f"figure:{figure.key}")
            value.setWordWrap(True)
            self.form.addRow(figure.label, value)
        practice = c.mode == "practice"
        rows = disagreements(c)
        fill(
            self.worst,
            [(d.indicator, d.short, d.trainee, d.reference, d.rationale) for d in rows],
        )
        for widget in (self.worst_title, self.worst):
            widget.setVisible(practice)
        self.test_note.setVisible(not practice)

    def show_certification(self, text: str) -> None:
        self.certification.setText(text)

    def figure_texts(self) -> dict[str, str]:
        """What each figure row shows, by key (`figure:<key>` object names)."""
        return {
            label.objectName().removeprefix("figure:"): label.text()
            for label in self.form_body.findChildren(QLabel)
            if label.objectName().startswith("figure:")
        }
