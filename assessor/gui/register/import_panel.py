"""Import: choose folders and zip files, the trusted CA, revocation lists and the cycle start,
import them in the background with live counts and a safe cancel, then the batch summary with
every quarantined file and its reason."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.core.register.register import ImportRequest, Register
from assessor.core.register.rows import FLAG_KINDS, FlagKind, Reason
from assessor.core.register.summary import REASON_LABELS, Summary
from assessor.gui.widgets.background import BackgroundTask, Progress
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import tone

GUI_CHUNK = 25
"""Files per transaction from the screen: progress and cancel answer every 25 files."""


def counts_text(summary: Summary) -> str:
    return (
        f"已处理 {summary.inputs} 个文件：新登记 {summary.registered}，修订 {summary.amendments}，"
        f"重复 {summary.duplicates}，冲突 {summary.conflicts}，隔离 {summary.quarantined_total}"
    )


def flags_text(summary: Summary) -> str:
    """「；待核实：同机构同周期 3 份评估」: assessments, never flag rows."""
    if not summary.flags:
        return ""
    kinds = "，".join(
        f"{FLAG_KINDS[FlagKind(kind)].short} {n} 份评估" for kind, n in summary.flags.items()
    )
    return f"；待核实：{kinds}（核实前不会被确认或公示）"


class ImportPanel(QWidget):
    imported = Signal(object)  # Summary, after every finished or cancelled import

    def __init__(self, register: Register, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.dialogs = dialogs
        self.ca_file: Path | None = None
        self.crl_files: list[Path] = []
        self.task: BackgroundTask | None = None
        self._cancel = threading.Event()
        self.last: Summary | None = None

        self.sources = QListWidget()
        self.sources.setAccessibleName("待导入的文件夹和 zip 文件")
        self.add_folder = QPushButton("添加文件夹(&F)…")
        self.add_zip = QPushButton("添加 zip 文件(&Z)…")
        self.remove = QPushButton("移除所选(&R)")
        self.choose_ca = QPushButton("信任的 CA 证书(&C)…")
        self.ca_label = QLabel("未选择：只能导入培训/样例文件")
        tone(self.ca_label, "muted")
        self.allow_training = QCheckBox("接受培训/样例文件(&T)")
        self.choose_crl = QPushButton("证书吊销列表(&L)…")
        self.crl_label = QLabel("未选择吊销列表")
        tone(self.crl_label, "muted")
        self.cycle_start = QLineEdit("01-01")
        self.cycle_start.setMaximumWidth(80)
        self.cycle_start.setAccessibleName("评估周期起始日")
        self.cycle_start.setToolTip(
            "评估周期的起始日（月-日，如 01-01 或 07-01）；同一机构在同一周期内的多份评估会被标记待核实"
        )
        self.start = QPushButton("开始导入(&I)")
        self.cancel = QPushButton("取消导入")
        self.cancel.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setTextVisible(False)
        self.status = QLabel("选择要导入的文件夹或 zip 文件，然后开始导入。")
        self.status.setWordWrap(True)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.quarantine = QTableWidget(0, 3)
        self.quarantine.setHorizontalHeaderLabels(["文件", "原因", "原因代码"])
        self.quarantine.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.quarantine.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.quarantine.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.quarantine.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.quarantine.setAccessibleName("隔离的文件")
        self.open_folder = QPushButton("打开所在文件夹(&O)")
        self.open_folder.setEnabled(False)

        choose = QHBoxLayout()
        for button in (self.add_folder, self.add_zip, self.remove):
            choose.addWidget(button)
        choose.addStretch(1)
        trust = QHBoxLayout()
        trust.addWidget(self.choose_ca)
        trust.addWidget(self.ca_label, 1)
        trust.addWidget(self.allow_training)
        revocation = QHBoxLayout()
        revocation.addWidget(self.choose_crl)
        revocation.addWidget(self.crl_label, 1)
        cycle_label = QLabel("评估周期起始日(&Y)")
        cycle_label.setBuddy(self.cycle_start)
        revocation.addWidget(cycle_label)
        revocation.addWidget(self.cycle_start)
        run = QHBoxLayout()
        run.addWidget(self.start)
        run.addWidget(self.cancel)
        run.addWidget(self.progress, 1)
        quarantine_row = QHBoxLayout()
        title = QLabel("隔离的文件（每个文件复制到登记库的隔离区，旁边附原因说明）")
        tone(title, "sectionTitle")
        quarantine_row.addWidget(title, 1)
        quarantine_row.addWidget(self.open_folder)

        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.sources, 1)
        layout.addLayout(trust)
        layout.addLayout(revocation)
        layout.addLayout(run)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addLayout(quarantine_row)
        layout.addWidget(self.quarantine, 2)

        self.add_folder.clicked.connect(self.choose_folder)
        self.add_zip.clicked.connect(self.choose_zips)
        self.remove.clicked.connect(self.remove_selected)
        self.choose_ca.clicked.connect(self.choose_trust)
        self.choose_crl.clicked.connect(self.choose_crls)
        self.start.clicked.connect(self.start_import)
        self.cancel.clicked.connect(self.cancel_import)
        self.open_folder.clicked.connect(self.open_selected_folder)
        self.quarantine.currentCellChanged.connect(self._quarantine_row_changed)

    # ---- choosing --------------------------------------------------------------------------

    def add_sources(self, paths: list[Path]) -> None:
        present = set(self.paths())
        for path in paths:
            if str(path) not in present:
                self.sources.addItem(str(path))

    def paths(self) -> list[str]:
        return [self.sources.item(n).text() for n in range(self.sources.count())]

    def choose_folder(self) -> None:
        folder = self.dialogs.choose_folder("选择要导入的文件夹", Path.home())
        if folder:
            self.add_sources([folder])

    def choose_zips(self) -> None:
        self.add_sources(self.dialogs.choose_zips("选择要导入的 zip 文件"))

    def remove_selected(self) -> None:
        for item in self.sources.selectedItems():
            self.sources.takeItem(self.sources.row(item))

    def choose_trust(self) -> None:
        path = self.dialogs.choose_ca_file("选择卫生健康委 CA 证书")
        if path:
            self.set_trust(path)

    def set_trust(self, path: Path) -> None:
        self.ca_file = path
        self.ca_label.setText(f"信任：{path}")

    def choose_crls(self) -> None:
        paths = self.dialogs.choose_crl_files("选择证书吊销列表（CRL）")
        if paths:
            self.set_crls(paths)

    def set_crls(self, paths: list[Path]) -> None:
        self.crl_files = list(paths)
        self.crl_label.setText("吊销列表：" + "、".join(p.name for p in paths))
        self.crl_label.setToolTip("\n".join(str(p) for p in paths))

    def trust(self) -> tuple[list, bool]:
        """(CA certificates, accept training files) by the register's one trust policy.
        Raises UserError with Chinese text for a bad certificate file."""
        from assessor.core.register.trust import trust_roots

        training = self.allow_training.isChecked()
        return trust_roots([self.ca_file] if self.ca_file else [], training), training

    def request(self) -> ImportRequest:
        from assessor.core.register.who import os_user

        return ImportRequest(
            trust=[self.ca_file] if self.ca_file else [],
            allow_training=self.allow_training.isChecked(),
            crls=self.crl_files,
            cycle_start=self.cycle_start.text(),
            who=os_user(),
            chunk_size=GUI_CHUNK,
        )

    # ---- importing -------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start_import(self) -> None:
        if self.busy:
            return
        paths = [Path(p) for p in self.paths()]
        if not paths:
            self.dialogs.error("无法导入", "请先添加要导入的文件夹或 zip 文件。")
            return
        from assessor.core.problems import UserError

        try:
            options = self.request().options()
        except UserError as exc:
            self.dialogs.error("无法导入", str(exc))
            return
        self._cancel.clear()
        register, cancelled = self.register, self._cancel.is_set

        def work(progress: Progress) -> Summary:
            # The statistics summary is brought up to date at the end, while the person reads
            # the batch summary, rather than when they first open the statistics.
            return register.import_files(
                paths, options,
                progress=lambda s: progress(0, counts_text(s)), cancelled=cancelled,
                refreshing=lambda s: progress(0, counts_text(s) + "；正在更新统计汇总…"),
            )  # fmt: skip

        self.task = BackgroundTask(work)
        self.task.signals.progressed.connect(self._progressed)
        self.task.signals.succeeded.connect(self._finished)
        self.task.signals.failed.connect(self._failed)
        self._set_running(True)
        self.status.setText("正在导入…")
        self.task.start()

    def cancel_import(self) -> None:
        if self.busy:
            self._cancel.set()
            self.cancel.setEnabled(False)
            self.status.setText("正在取消：当前这一组文件处理完后停止，已处理的文件都已保存。")

    def _set_running(self, running: bool) -> None:
        self.progress.setRange(0, 0 if running else 1)
        self.progress.setValue(0 if running else 1)
        self.start.setEnabled(not running)
        self.cancel.setEnabled(running)
        for widget in (
            self.add_folder,
            self.add_zip,
            self.remove,
            self.choose_ca,
            self.allow_training,
            self.choose_crl,
            self.cycle_start,
        ):
            widget.setEnabled(not running)

    def _progressed(self, _percent: int, text: str) -> None:
        self.status.setText(text)

    def _finished(self, summary: Summary) -> None:
        self.task = None
        self._set_running(False)
        self.last = summary
        if summary.complete:
            self.status.setText(f"导入完成（批次 {summary.batch_id}）。")
        else:
            self.status.setText(
                f"导入已取消（批次 {summary.batch_id}）：已处理的文件已保存，登记库保持一致；"
                "再次导入同一批文件会接着完成。"
            )
        self.show_summary(summary)
        self.imported.emit(summary)

    def _failed(self, message: str) -> None:
        self.task = None
        self._set_running(False)
        self.status.setText("导入未完成。")
        self.dialogs.error("导入失败", message)

    # ---- the batch summary ---------------------------------------------------------------

    def show_summary(self, summary: Summary) -> None:
        reasons = "；".join(
            f"{REASON_LABELS[Reason(code)]} {n}" for code, n in sorted(summary.quarantined.items())
        )
        self.summary.setText(
            f"批次 {summary.batch_id}：输入 {summary.inputs} 个 = 新登记 {summary.registered} + "
            f"修订 {summary.amendments} + 重复 {summary.duplicates} + 冲突 {summary.conflicts} + "
            f"隔离 {summary.quarantined_total}"
            + (f"（{reasons}）" if reasons else "")
            + flags_text(summary)
        )
        rows = self.register.quarantined(summary.batch_id)
        self.quarantine.setCurrentCell(-1, -1)  # a new batch: nothing chosen yet
        self.quarantine.setRowCount(len(rows))
        for n, (original, copy, code, reason) in enumerate(rows):
            item = QTableWidgetItem(original)
            item.setData(Qt.ItemDataRole.UserRole, copy or "")
            item.setToolTip(original)
            self.quarantine.setItem(n, 0, item)
            whole = QTableWidgetItem(reason)
            whole.setToolTip(reason)  # a long reason is cut in the cell, never in the tooltip
            self.quarantine.setItem(n, 1, whole)
            self.quarantine.setItem(n, 2, QTableWidgetItem(code))

    def _quarantine_row_changed(self, row: int, *_: int) -> None:
        self.open_folder.setEnabled(row >= 0)

    def open_selected_folder(self) -> None:
        row = self.quarantine.currentRow()
        if row < 0:
            return
        item = self.quarantine.item(row, 0)
        copy = item.data(Qt.ItemDataRole.UserRole)
        folder = (self.register.folder / copy).parent if copy else Path(item.text()).parent
        if not self.dialogs.open_folder(folder):
            self.dialogs.error("无法打开文件夹", str(folder))
