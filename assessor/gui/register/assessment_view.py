"""One registered assessment, read-only: profile, result, scores (clause order, with names),
every signer and the team with who answered for what, version history, its flag items with a resolve action, and its verification (as found at
import, and again on request against the trusted CA)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assessor.core.clock import beijing_text
from assessor.core.problems import UserError
from assessor.core.register.browse import AssessmentDetail
from assessor.core.register.flags import FlagItem
from assessor.core.register.register import Register
from assessor.core.register.rows import FLAG_DECISION_LABELS, FLAG_KINDS
from assessor.core.register.who import os_user
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import tone

TrustRoots = Callable[[], tuple[list, bool]]  # (CA certificates, accept training files)


def _table(header: list[str], rows: list[list[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(header))
    table.setHorizontalHeaderLabels(header)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAccessibleName(name)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setToolTip(value)  # a long text is cut in its cell, never in the tooltip
            table.setItem(r, c, item)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _flag_row(item: FlagItem) -> list[str]:
    if item.closed_at is None:
        state = "未处理"
    else:
        decision = FLAG_DECISION_LABELS[item.decision] if item.decision else "已处理"
        state = f"{decision}（{item.closed_by}，{_moment(item.closed_at)}）{item.comment}"
    return [str(item.id), FLAG_KINDS[item.kind].short, item.detail, state]


def _moment(text: str) -> str:
    return beijing_text(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))


class AssessmentView(QDialog):
    changed = Signal()  # a flag item was resolved

    def __init__(
        self,
        register: Register,
        sha256: str,
        trust: TrustRoots,
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.register = register
        self.sha256 = sha256
        self.trust = trust
        self.dialogs = dialogs
        self.detail: AssessmentDetail = register.detail(sha256)
        doc = self.detail.document
        self.setWindowTitle(f"评估详情（只读）— {doc['centre_name']}")
        self.resize(900, 620)

        names = "、".join(json.loads(doc["assessor_names"]))
        vetoes = "、".join(json.loads(doc["vetoes_fired"])) or "无"
        head = QLabel(
            f"<b>{doc['centre_name']}</b>　{doc['centre_uscc']}<br>{doc['centre_address']}"
            f"（行政区划 {doc['division_code']}）<br>评估日期 {doc['visit_date'] or '未填写'}　"
            f"评估人员 {names}<br>总分 <b>{doc['total']}</b> / {doc['max_total']}　等级 "
            f"<b>{doc['grade']}</b>　未达标的基础指标：{vetoes}<br>审核状态：{self.detail.review}"
            + (f"（{self.detail.review_comment}）" if self.detail.review_comment else "")
            + ("<br><b>培训/样例，不作为正式评估结果</b>" if doc["training"] else "")
        )
        head.setWordWrap(True)
        signers = self.detail.signers
        self.verification = QLabel(
            f"导入时验证通过：签名人 {doc['signer_name']}（{doc['signer_id']}），证书序列号 "
            f"{doc['cert_serial']}，签发者 {doc['cert_issuer']}，签名时间 {_moment(doc['signed_at'])}。"
            if len(signers) <= 1
            else f"导入时验证通过：评估组 {len(signers)} 名成员共同签名（"
            + "、".join(f"{s.name}（{s.assessor_id}）" for s in signers)
            + "），详见「签名人与评估组」。"
        )
        self.verification.setWordWrap(True)
        self.verify_button = QPushButton("重新验证签名(&S)")
        self.verify_button.clicked.connect(self.verify_again)
        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verification, 1)
        verify_row.addWidget(self.verify_button)
        self.flags = _table(
            ["编号", "类别", "说明", "状态"],
            [_flag_row(item) for item in self.detail.flags],
            "待核实事项",
        )
        self.resolve_button = QPushButton("核实所选事项(&H)…")
        self.resolve_button.setToolTip("写明核实结论；核实后该评估可确认、公示（记入审核记录）")
        self.resolve_button.clicked.connect(self.resolve_selected)
        open_items = [i for i in self.detail.flags if i.closed_at is None]
        self.flags_label = QLabel(
            f"待核实事项 {len(open_items)} 项未处理：核实前不会被确认或公示。"
            if open_items
            else "没有未处理的待核实事项。"
        )
        if open_items:
            tone(self.flags_label, "fieldError")
            self.flags.selectRow(0)
        self.resolve_button.setEnabled(bool(open_items))

        versions = [
            [
                f"第 {v.version} 版", _moment(v.signed_at), v.signer,
                "当前版本" if v.current else ("冲突（待处理）" if v.conflict else "历史版本"),
                str(v.batch_id), v.sha256[:16] + "…",
            ]
            for v in self.detail.versions
        ]  # fmt: skip
        self.versions = _table(
            ["版本", "签名时间", "签名人", "状态", "导入批次", "文件哈希"], versions, "版本历史"
        )
        self.dimensions = _table(
            ["维度", "名称", "得分", "满分"],
            [list(d) for d in self.detail.dimensions],
            "各维度得分",
        )
        self.scores = _table(
            ["指标", "名称", "得分", "满分"],
            [[i, name, "不适用" if na else (s if s is not None else "未评分"), m]
             for i, name, s, m, na in self.detail.scores],
            "各指标得分",
        )  # fmt: skip
        team_page = self._team_page()
        flags_page = QWidget()
        flags_layout = QVBoxLayout(flags_page)
        flags_top = QHBoxLayout()
        flags_top.addStretch(1)
        flags_top.addWidget(self.resolve_button)
        flags_layout.addLayout(flags_top)
        flags_layout.addWidget(self.flags, 1)
        tabs = QTabWidget()
        self.tabs = tabs
        tabs.addTab(self.versions, "版本历史")
        tabs.addTab(self.dimensions, "各维度得分")
        tabs.addTab(self.scores, "各指标得分")
        tabs.addTab(team_page, "签名人与评估组")
        tabs.addTab(flags_page, f"待核实事项（{len(open_items)}）")
        if open_items:
            tabs.setCurrentWidget(flags_page)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(verify_row)
        layout.addWidget(self.flags_label)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)

    def _team_page(self) -> QWidget:
        """Every signer with their certificate, and the team with the dimensions each member
        answered for (a file without a team: its one signer answered for everything)."""
        self.signers = _table(
            ["顺序", "签名人", "评估员编号", "签名时间", "证书序列号", "证书签发者"],
            [
                [str(s.position + 1), s.name, s.assessor_id, beijing_text(s.signed_at),
                 s.cert_serial, s.cert_issuer]
                for s in self.detail.signers
            ],
            "签名人",
        )  # fmt: skip
        self.team = _table(
            ["成员", "评估员编号", "所属单位", "角色", "负责的维度"],
            [
                [m.name, m.assessor_id or "（无密钥）", m.body, "组长" if m.leader else "组员",
                 "；".join(m.dimensions)]
                for m in self.detail.team
            ],
            "评估组分工",
        )  # fmt: skip
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("签名人（按签名时间）："))
        layout.addWidget(self.signers, 1)
        if self.detail.team:
            layout.addWidget(QLabel("评估组与分工（未分配的由组长负责）："))
            layout.addWidget(self.team, 1)
        else:
            self.team.hide()
            layout.addWidget(QLabel("本文件没有评估组信息：由签名的评估员负责全部维度。"))
        return page

    def verify_again(self) -> None:
        """Check the stored bytes: their hash, then the signature against the trusted CA."""
        from assessor.core.register.verify_adapter import verdict

        raw = self.register.stored_file(self.sha256)
        if hashlib.sha256(raw).hexdigest() != self.sha256:
            self.verification.setText("登记库中保存的文件与其哈希不符：文件已损坏。")
            return
        try:
            roots, training = self.trust()
        except UserError as exc:
            self.verification.setText(f"无法重新验证：{exc}")
            return
        found = verdict(raw, roots, training, rubrics=())
        if found.reason is None:
            self.verification.setText(
                f"重新验证通过：文件哈希与登记一致，签名有效且由信任的 CA 签发（签名人 "
                f"{self.detail.document['signer_name']}）。"
            )
        else:
            self.verification.setText(f"重新验证未通过（{found.reason.value}）：{found.message}")

    def resolve_selected(self) -> None:
        """Resolve the chosen open item with a comment the person writes (logged)."""
        row = self.flags.currentRow()
        items = self.detail.flags
        if not 0 <= row < len(items) or items[row].closed_at is not None:
            self.dialogs.error("无法核实", "请先在列表中选择一项未处理的待核实事项。")
            return
        item = items[row]
        comment = self.dialogs.ask_text(
            "核实待核实事项", f"{FLAG_KINDS[item.kind].label}\n{item.detail}\n\n核实意见（必填）："
        )
        if comment is None:
            return
        try:
            self.register.resolve_flag(item.id, who=os_user(), comment=comment)
        except UserError as exc:
            self.dialogs.error("无法核实", str(exc))
            return
        self.detail = self.register.detail(self.sha256)
        self.flags.setRowCount(0)
        rows = [_flag_row(i) for i in self.detail.flags]
        self.flags.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.flags.setItem(r, c, cell)
        left = sum(1 for i in self.detail.flags if i.closed_at is None)
        self.flags_label.setText(
            f"待核实事项 {left} 项未处理：核实前不会被确认或公示。"
            if left
            else "没有未处理的待核实事项。"
        )
        self.resolve_button.setEnabled(bool(left))
        self.changed.emit()
