"""Choosing a sample to practise on: who is practising, filters by kind, difficulty and use."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.model import CENTRE_KIND_LABELS, CentreKind
from assessor.core.clock import beijing_text
from assessor.core.training.practice import Unfinished
from assessor.core.training.sealed import AnySample
from assessor.gui.training.table import fill, key_of, text_table
from assessor.gui.widgets.style import tone

MODE_LABELS = {"practice": "练习（提交后看参考评分与理由）", "test": "测试（只看一致性结果）"}
DIFFICULTY_LABELS = {"easy": "容易", "medium": "中等", "hard": "较难"}
HEADERS = ("编号", "样例", "类型", "托位", "难度", "用途")


def _choices(labels: dict[str, str], everything: str) -> QComboBox:
    box = QComboBox()
    box.addItem(everything, "")
    for value, label in labels.items():
        box.addItem(label, value)
    return box


class SamplePicker(QWidget):
    startRequested = Signal(object)  # the chosen sample (open or sealed)
    resumeRequested = Signal(object)  # the chosen Unfinished practice
    trainerRequested = Signal()
    homeRequested = Signal()

    def __init__(self, rule_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.samples: list[AnySample] = []
        title = QLabel("培训练习")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "选择一个样例机构，像现场评估一样逐项评分：右侧显示评估当天的档案记录，"
            "参考评分在提交前不可见。练习样例提交后显示参考评分与理由；测试样例只显示一致性结果，计入认证。"
        )
        intro.setWordWrap(True)
        tone(intro, "muted")

        self.trainee_name = QLineEdit()
        self.trainee_name.setPlaceholderText("学员姓名")
        self.trainee_id = QLineEdit()
        self.trainee_id.setPlaceholderText("学员编号，如 BJ-T-001")
        who = QFormLayout()
        who.addRow("学员姓名", self.trainee_name)
        who.addRow("学员编号", self.trainee_id)

        self.kind = _choices({k.value: v for k, v in CENTRE_KIND_LABELS.items()}, "全部类型")
        self.difficulty = _choices(DIFFICULTY_LABELS, "全部难度")
        self.mode = _choices({"practice": "练习", "test": "测试"}, "练习和测试")
        filters = QHBoxLayout()
        for box in (self.kind, self.difficulty, self.mode):
            box.currentIndexChanged.connect(self._refilter)
            filters.addWidget(box)
        filters.addStretch(1)

        self.table = text_table(HEADERS, stretch=1)
        self.table.activated.connect(lambda _: self.start())
        self.empty = QLabel("没有符合条件的样例。")
        tone(self.empty, "muted")
        self.empty.hide()

        self.unfinished = QComboBox()
        self.unfinished.setAccessibleName("未完成的练习")
        self.resume_button = QPushButton("继续这次练习")
        self.resume_button.clicked.connect(self.resume)
        resume_row = QHBoxLayout()
        self.resume_label = QLabel("未完成的练习：")
        resume_row.addWidget(self.resume_label)
        resume_row.addWidget(self.unfinished, 1)
        resume_row.addWidget(self.resume_button)
        self.resume_widgets = (self.resume_label, self.unfinished, self.resume_button)

        rule = QLabel("可靠性规则：" + rule_text)
        rule.setWordWrap(True)
        tone(rule, "muted")

        buttons = QHBoxLayout()
        back = QPushButton("← 评估列表")
        back.clicked.connect(self.homeRequested.emit)
        trainer = QPushButton("培训师视图")
        trainer.clicked.connect(self.trainerRequested.emit)
        self.start_button = QPushButton("开始练习（Enter）")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(trainer)
        buttons.addWidget(self.start_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(who)
        layout.addLayout(resume_row)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(rule)
        layout.addLayout(buttons)

    def set_samples(self, samples: list[AnySample]) -> None:
        self.samples = samples
        self._refilter()

    def set_unfinished(self, unfinished: list[Unfinished], indicators: int) -> None:
        """Offer the drafts left before submitting (hidden when there are none)."""
        self.unfinished.clear()
        for u in unfinished:
            when = beijing_text(u.updated_at, "%m-%d %H:%M") if u.updated_at else ""
            self.unfinished.addItem(
                f"{u.sample.title} · {u.trainee.name}（{u.trainee.trainee_id}）· "
                f"已评 {u.scored}/{indicators} 项 · {when}",
                u,
            )
        for widget in self.resume_widgets:
            widget.setVisible(bool(unfinished))

    def resume(self) -> None:
        unfinished = self.unfinished.currentData()
        if unfinished is not None:
            self.resumeRequested.emit(unfinished)

    def shown(self) -> list[AnySample]:
        kind, difficulty, mode = (
            self.kind.currentData(),
            self.difficulty.currentData(),
            self.mode.currentData(),
        )
        return [
            s
            for s in self.samples
            if (not kind or s.centre.kind is CentreKind(kind))
            and (not difficulty or s.difficulty == difficulty)
            and (not mode or s.mode == mode)
        ]

    def _refilter(self) -> None:
        shown = self.shown()
        fill(
            self.table,
            [
                (
                    s.id,
                    s.title,
                    CENTRE_KIND_LABELS[s.centre.kind],
                    str(s.centre.places),
                    DIFFICULTY_LABELS[s.difficulty],
                    MODE_LABELS[s.mode],
                )
                for s in shown
            ],
            keys=[s.id for s in shown],
        )
        self.empty.setVisible(not shown)
        if shown:
            self.table.selectRow(0)

    def focus(self) -> None:
        target = self.trainee_name if not self.trainee_name.text().strip() else self.table
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected(self) -> AnySample | None:
        key = key_of(self.table)
        return next((s for s in self.samples if s.id == key), None)

    def start(self) -> None:
        sample = self.selected()
        if sample is not None:
            self.startRequested.emit(sample)
