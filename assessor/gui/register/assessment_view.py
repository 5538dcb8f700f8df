"""One registered assessment, read-only: profile, result, scores, version history, flags and
its verification (as found at import, and again on request against the trusted CA)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

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
from assessor.core.register.browse import AssessmentDetail, detail, stored_file
from assessor.core.register.db import connect
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
            table.setItem(r, c, QTableWidgetItem(value))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _moment(text: str) -> str:
    return beijing_text(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))


class AssessmentView(QDialog):
    def __init__(
        self, register: Path, sha256: str, trust: TrustRoots, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.register = register
        self.sha256 = sha256
        self.trust = trust
        conn = connect(register)
        try:
            self.detail: AssessmentDetail = detail(conn, sha256)
        finally:
            conn.close()
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
        self.verification = QLabel(
            f"导入时验证通过：签名人 {doc['signer_name']}（{doc['signer_id']}），证书序列号 "
            f"{doc['cert_serial']}，签发者 {doc['cert_issuer']}，签名时间 {_moment(doc['signed_at'])}。"
        )
        self.verification.setWordWrap(True)
        self.verify_button = QPushButton("重新验证签名(&S)")
        self.verify_button.clicked.connect(self.verify_again)
        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verification, 1)
        verify_row.addWidget(self.verify_button)
        flags = QLabel("需人工核实：" + "；".join(self.detail.flags)) if self.detail.flags else None
        if flags:
            tone(flags, "fieldError")
            flags.setWordWrap(True)

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
            ["指标", "得分", "满分"],
            [[i, "不适用" if na else (s if s is not None else "未评分"), m]
             for i, s, m, na in self.detail.scores],
            "各指标得分",
        )  # fmt: skip
        tabs = QTabWidget()
        tabs.addTab(self.versions, "版本历史")
        tabs.addTab(self.dimensions, "各维度得分")
        tabs.addTab(self.scores, "各指标得分")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(verify_row)
        if flags:
            layout.addWidget(flags)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)

    def verify_again(self) -> None:
        """Check the stored bytes: their hash, then the signature against the trusted CA."""
        from assessor.core.register.verify_adapter import verdict

        conn = connect(self.register)
        try:
            raw = stored_file(conn, self.sha256)
        finally:
            conn.close()
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
