"""「复查」: only the open items of the original assessment, each with its previous finding and
evidence; the assessor records 已整改 / 部分整改 / 未整改 (keys 1, 2, 3) with a note and
evidence, then signs the record, which names the original signed file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.core.clock import beijing_today
from assessor.core.cycle.followup_model import FollowUpTask, OpenItem
from assessor.core.cycle.laptop_followups import (
    export_followup,
    load_task,
    outcomes,
    record_outcome,
    sign_followup,
)
from assessor.core.cycle.rectification import (
    KIND_LABELS,
    NOT_RECTIFIED,
    OUTCOME_LABELS,
    PARTLY,
    RECTIFIED,
)
from assessor.core.problems import UserError
from assessor.core.signing.keys import list_keys, load_signer
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import ems, tone

COLUMNS = ("条款", "类别", "原得分", "整改期限", "复查结论")
OUTCOME_KEYS = {"1": RECTIFIED, "2": PARTLY, "3": NOT_RECTIFIED}
OUTCOME_COLUMN = 4


class FollowUpScreen(QWidget):
    homeRequested = Signal()
    notice = Signal(str)

    def __init__(
        self, data_dir: Path, keys_dir: Path, task_id: str, dialogs: Dialogs, parent=None
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.keys_dir = keys_dir
        self.dialogs = dialogs
        self.task: FollowUpTask = load_task(data_dir, task_id)

        title = QLabel(f"复查：{self.task.centre.name}")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        where = QLabel(
            f"统一社会信用代码 {self.task.centre.uscc} · 原评估编号 {self.task.assessment_id}"
            f" 第 {self.task.version} 版 · 按 1 已整改、2 部分整改、3 未整改"
        )
        tone(where, "muted")
        where.setWordWrap(True)
        self.sign_button = QPushButton("签名导出复查记录…")
        self.sign_button.setToolTip("Ctrl+Shift+E")
        self.sign_button.clicked.connect(self.sign_and_export)
        self.back = QPushButton("返回")
        self.back.setToolTip("Esc")
        self.back.clicked.connect(self.homeRequested.emit)
        heading = QHBoxLayout()
        heading.addWidget(title, 1)
        heading.addWidget(self.sign_button)
        heading.addWidget(self.back)

        self.table = QTableWidget(len(self.task.items), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, width in enumerate((5, 9, 6, 7, 5)):
            self.table.setColumnWidth(column, ems(self.table, width))
        header.setSectionResizeMode(OUTCOME_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(ems(self.table, 34))
        self.finding = QLabel()
        self.finding.setWordWrap(True)
        self.finding.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("复查说明（Ctrl+E 编辑；按 1/2/3 记录结论时一并保存）")
        self.attach_button = QPushButton("添加证据…")
        self.attach_button.setToolTip("Ctrl+Shift+A")
        self.attach_button.clicked.connect(self.attach_evidence)
        self.evidence = QLabel()
        tone(self.evidence, "muted")
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.finding)
        detail_layout.addWidget(self.note, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.evidence, 1)
        detail_layout.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(heading)
        layout.addWidget(where)
        layout.addWidget(split, 1)

        self.pending_evidence: list[Path] = []
        for key, outcome in OUTCOME_KEYS.items():
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda outcome=outcome: self.set_outcome(outcome))
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.note.setFocus())
        QShortcut(QKeySequence("Ctrl+Shift+A"), self, self.attach_evidence)
        QShortcut(QKeySequence("Ctrl+Shift+E"), self, self.sign_and_export)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape)
        self.table.currentCellChanged.connect(lambda *_: self._show_current())
        self._fill()
        self.table.selectRow(0)

    # ---- display ---------------------------------------------------------------------------

    def _fill(self) -> None:
        recorded = outcomes(self.data_dir, self.task.task_id)
        for row, item in enumerate(self.task.items):
            done = recorded.get(item.indicator_id)
            cells = (
                item.indicator_id,
                KIND_LABELS[item.kind],
                f"{item.score.normalize():f} / {item.max.normalize():f}",
                item.due_on.isoformat(),
                OUTCOME_LABELS[done.outcome] if done else "未填写",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def current_item(self) -> OpenItem | None:
        row = self.table.currentRow()
        return self.task.items[row] if 0 <= row < len(self.task.items) else None

    def _show_current(self) -> None:
        item = self.current_item()
        if item is None:
            return
        evidence = "、".join(item.evidence) or "无"
        self.finding.setText(
            f"{item.indicator_id}（{KIND_LABELS[item.kind]}，整改期限 {item.due_on}）\n"
            f"原评估发现：{item.finding or '（评估员未填写说明）'}\n原证据：{evidence}"
        )
        done = outcomes(self.data_dir, self.task.task_id).get(item.indicator_id)
        self.note.setPlainText(done.note if done else "")
        self.pending_evidence = []
        files = [e.caption or e.file for e in done.evidence] if done else []
        self.evidence.setText("复查证据：" + ("、".join(files) if files else "无"))

    # ---- actions ---------------------------------------------------------------------------

    def set_outcome(self, outcome: str) -> None:
        item = self.current_item()
        if item is None:
            return
        try:
            record_outcome(
                self.data_dir,
                self.task.task_id,
                item.indicator_id,
                outcome,
                self.note.toPlainText().strip(),
                self.pending_evidence,
            )
        except UserError as exc:
            self.dialogs.error("无法记录复查结论", str(exc))
            return
        row = self.table.currentRow()
        self._fill()
        self.table.selectRow(min(row + 1, len(self.task.items) - 1))
        self.table.setFocus()
        self.notice.emit(f"已记录 {item.indicator_id}：{OUTCOME_LABELS[outcome]}")

    def attach_evidence(self) -> None:
        files = self.dialogs.choose_files("添加复查证据")
        if files:
            self.pending_evidence.extend(files)
            names = "、".join(f.name for f in self.pending_evidence)
            self.evidence.setText(f"待保存的证据（按 1/2/3 记录结论时保存）：{names}")

    def sign_and_export(self) -> None:
        keys = list_keys(self.keys_dir)
        if not keys:
            self.dialogs.error("无法签名", "本机没有导入评估员密钥，请先在「签名密钥…」中导入")
            return
        chosen = keys[0]
        passphrase = self.dialogs.ask_secret(
            "签名复查记录", f"{chosen.info.name}（{chosen.info.assessor_id}）的密钥口令："
        )
        if passphrase is None:
            return
        folder = self.dialogs.choose_folder("导出复查记录到", Path.home())
        if folder is None:
            return
        try:
            signer = load_signer(chosen.path, passphrase)
            _, signed = sign_followup(self.data_dir, self.task.task_id, signer, beijing_today())
            path = export_followup(self.data_dir, self.task.task_id, signed, folder)
        except UserError as exc:
            self.dialogs.error("无法签名导出复查记录", str(exc))
            return
        self.notice.emit(f"已签名导出复查记录：{path}")

    def _escape(self) -> None:
        if self.note.hasFocus():
            self.table.setFocus()
        else:
            self.homeRequested.emit()
