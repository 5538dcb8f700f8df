"""The centre's acknowledgement (现场反馈确认): a summary of the findings for the director, their
name and handwritten signature on the pad, objections per indicator, or a refusal to sign."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor.core.problems import UserError
from assessor.core.session import EditingSession
from assessor.gui.signing.signature_pad import SignaturePad
from assessor.gui.widgets.style import tone


def summary_text(session: EditingSession) -> str:
    """Findings per dimension, basic indicators not met, total and grade marked 未定稿."""
    result = session.result
    lines = [f"{d.id} {d.name}：{d.score:g} / {d.max:g} 分" for d in result.dimensions]
    unmet = [f"{v.indicator} {v.short}" for v in result.vetoes if v.status == "unmet"]
    lines.append(f"未达标的基础指标：{'、'.join(unmet) if unmet else '无'}")
    lines.append(f"总分 {result.total:g} 分，预计等级 {result.grade}（未定稿）")
    return "\n".join(lines)


class AcknowledgementDialog(QDialog):
    def __init__(self, session: EditingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("现场反馈确认")
        self.session = session
        self.objections: dict[str, str] = {}
        summary = QLabel(summary_text(session))
        summary.setWordWrap(True)
        self.director = QLineEdit()
        self.role = QLineEdit("机构负责人")
        self.pad = SignaturePad(
            hint="机构负责人签字；拒签时不必签字。签字图片在报告的现场反馈确认页。"
        )
        self.indicator = QComboBox()
        for ind in session.rubric.indicators:
            self.indicator.addItem(f"{ind.id} {ind.short}", ind.id)
        self.objection_text = QLineEdit()
        self.objection_text.setPlaceholderText("机构负责人的异议")
        add = QPushButton("添加异议")
        add.clicked.connect(self.add_objection)
        self.objection_list = QListWidget()
        self.objection_list.setMaximumHeight(110)
        self.refused = QCheckBox("机构负责人拒签")
        self.leader_note = QLineEdit()
        self.leader_note.setPlaceholderText("拒签时组长的情况说明")
        self.error = QLabel()
        tone(self.error, "fieldError")
        self.error.hide()
        buttons = QDialogButtonBox()
        self.confirm_button = buttons.addButton("确认", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("签字人姓名", self.director)
        form.addRow("职务", self.role)
        row = QHBoxLayout()
        row.addWidget(self.indicator)
        row.addWidget(self.objection_text, 1)
        row.addWidget(add)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("本次评估发现（供机构负责人确认）："))
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.pad)
        layout.addWidget(QLabel("异议（可选，按指标）："))
        layout.addLayout(row)
        layout.addWidget(self.objection_list)
        layout.addWidget(self.refused)
        layout.addWidget(self.leader_note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def add_objection(self) -> None:
        text = self.objection_text.text().strip()
        if not text:
            return
        indicator = str(self.indicator.currentData())
        self.objections[indicator] = text
        self.objection_list.clear()
        self.objection_list.addItems([f"{i}：{t}" for i, t in self.objections.items()])
        self.objection_text.clear()

    def save(self) -> None:
        refused = self.refused.isChecked()
        try:
            self.session.acknowledge(
                self.director.text(),
                signature_png=None if refused else self.pad.png_bytes(),
                objections=self.objections,
                refused=refused,
                leader_note=self.leader_note.text(),
                role=self.role.text(),
            )
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
