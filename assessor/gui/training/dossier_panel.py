"""The evidence dossier in place of a live visit: what the assessor finds on the day for the
selected indicator. Never the reference score or its rationale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from assessor.core.training.sealed import AnySample
from assessor.gui.widgets.style import ems, tone


class DossierPanel(QScrollArea):
    def __init__(self, sample: AnySample, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.found = {entry.indicator: entry.found for entry in sample.dossier}
        self.summary = sample.summary
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(ems(self, 16))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        heading = QLabel("档案记录（评估当天的发现）")
        tone(heading, "sectionTitle")
        self.clause = QLabel()
        tone(self.clause, "clause")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        note = QLabel("依据档案评分；档案与现场一样，可能不完整或说法不一。")
        note.setWordWrap(True)
        tone(note, "muted")
        layout.addWidget(heading)
        layout.addWidget(self.clause)
        layout.addWidget(self.text)
        layout.addStretch(1)
        layout.addWidget(note)
        self.setWidget(body)
        self.show_indicator(None)

    def show_indicator(self, indicator_id: str | None) -> None:
        if indicator_id is None:
            self.clause.setText("样例概况")
            self.text.setText(self.summary)
            return
        self.clause.setText(indicator_id)
        self.text.setText(self.found.get(indicator_id, "档案中没有这一项的记录。"))
