"""The trainer's view: trainees with trend, certification and expiry; for a sample, the
indicators the group mis-scored most, too lenient or too severe."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from assessor.core.clock import beijing_text
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.numbers import percent_text
from assessor.core.training.results import TraineeResult
from assessor.core.training.rule import ReliabilityRule
from assessor.core.training.sample import SampleCentre
from assessor.core.training.trainer import most_mis_scored, trainee_summaries
from assessor.gui.training.table import fill, text_table
from assessor.gui.widgets.style import tone

TRAINEE_HEADERS = ("学员", "编号", "次数", "最近走势（完全一致）", "认证状态", "有效期至")
MIS_HEADERS = ("条款", "指标", "评错人数", "偏宽", "偏严", "不适用判断不一", "倾向")


def _day(moment: datetime | None) -> str:
    return beijing_text(moment, "%Y-%m-%d", suffix=False) if moment else "—"


class TrainerView(QWidget):
    backRequested = Signal()

    def __init__(self, rubric: LoadedRubric, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rubric = rubric
        self.samples: list[SampleCentre] = []
        self.results: list[TraineeResult] = []
        title = QLabel("培训师视图")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.rule_text = QLabel()
        self.rule_text.setWordWrap(True)
        tone(self.rule_text, "muted")
        self.trainees = text_table(TRAINEE_HEADERS, stretch=3)
        group_title = QLabel("同一样例上全组最常评错的指标")
        tone(group_title, "sectionTitle")
        self.sample_box = QComboBox()
        self.sample_box.currentIndexChanged.connect(self._show_group)
        self.group_note = QLabel()
        tone(self.group_note, "muted")
        self.mis_scored = text_table(MIS_HEADERS, stretch=1)
        back = QPushButton("← 样例列表")
        back.clicked.connect(self.backRequested.emit)
        row = QHBoxLayout()
        row.addWidget(group_title)
        row.addWidget(self.sample_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(self.rule_text)
        layout.addWidget(self.trainees, 2)
        layout.addLayout(row)
        layout.addWidget(self.group_note)
        layout.addWidget(self.mis_scored, 2)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)

    def show_data(
        self,
        samples: list[SampleCentre],
        results: list[TraineeResult],
        rule: ReliabilityRule,
        now: datetime,
    ) -> None:
        self.samples, self.results = samples, results
        self.rule_text.setText("可靠性规则：" + rule.text())
        rows = trainee_summaries(results, rule, now)
        fill(
            self.trainees,
            [
                (
                    s.trainee.name,
                    s.trainee.trainee_id,
                    str(s.results),
                    " → ".join(percent_text(x) for x in s.trend[-5:]),
                    s.certification.label,
                    _day(s.certification.expires_at),
                )
                for s in rows
            ],
        )
        self.sample_box.blockSignals(True)
        self.sample_box.clear()
        for sample in samples:
            self.sample_box.addItem(f"{sample.title}（{sample.id}）", sample.id)
        self.sample_box.blockSignals(False)
        self._show_group()

    def _show_group(self) -> None:
        sample = next((s for s in self.samples if s.id == self.sample_box.currentData()), None)
        if sample is None:
            fill(self.mis_scored, [])
            self.group_note.setText("还没有样例。")
            return
        rows = most_mis_scored(self.rubric, sample, self.results)
        scored = {r.trainee.trainee_id for r in self.results if r.sample_id == sample.id}
        self.group_note.setText(
            f"{len(scored)} 名学员评过这个样例（每人取最近一次）。"
            + ("" if rows else "没有评错的指标。")
        )
        fill(
            self.mis_scored,
            [
                (
                    m.indicator.id,
                    m.indicator.short,
                    f"{m.wrong}/{m.trainees}",
                    str(m.lenient),
                    str(m.severe),
                    str(m.na_disputed),
                    m.direction,
                )
                for m in rows
            ],
        )
