"""Sign a final assessment and export the signed PDF report and JSON file.

Three pages: the form (key, passphrase, hand-drawn signature, folder), the progress while the
core signs and writes in a worker thread, and the result with the two files. A failure (a
wrong passphrase, an expired key, a folder that cannot be written) brings the form back with
the reason in it; the core writes each file atomically, so a failure leaves no partial file.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.model import Assessment
from assessor.core.clock import beijing_text
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.store import Store, record_key
from assessor.gui.signing.drives import removable_roots
from assessor.gui.signing.keys_dialog import KeyChoice, import_key_file, key_choices
from assessor.gui.signing.signature_pad import SignaturePad
from assessor.gui.widgets.background import BackgroundTask, Progress
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.settings import settings
from assessor.gui.widgets.style import ems, tone

if TYPE_CHECKING:
    from assessor.core.export.signed_export import ExportedFiles

FOLDER_SETTING = "export/folder"


def default_folder(store: Store) -> Path:
    """The folder last exported to, else the user's Documents folder."""
    last = settings(store.root).value(FOLDER_SETTING, "")
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def sign_and_export(
    store: Store,
    key: str,
    choice: KeyChoice,
    passphrase: str,
    out_dir: Path,
    signature_image: bytes | None,
    rubric: LoadedRubric,
    progress: Progress,
) -> ExportedFiles:
    """Open the chosen key and hand it to the core export; runs in a worker thread."""
    # Imported here: the report and signing libraries take ~0.4 s to import and the app
    # should open without waiting for them.
    from assessor.core.export.signed_export import export_signed
    from assessor.core.signing.keys import load_signer, training_signer

    progress(1, "打开签名密钥")
    try:
        signer = training_signer() if choice.builtin else load_signer(choice.path, passphrase)
    except UserError as exc:
        if "口令" not in str(exc):
            raise
        # The core names the file; in the app's key folder that is an internal name the
        # assessor never chose, so say whose key it is instead.
        info = choice.info
        raise UserError(
            f"口令错误，无法打开 {info.name}（评估员编号 {info.assessor_id}）的签名密钥。"
            "请重新输入口令。"
        ) from None
    return export_signed(
        store,
        key,
        signer,
        out_dir,
        signature_image=signature_image,
        rubric=rubric,
        progress=progress,
    )


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class SignDialog(QDialog):
    exported = Signal(object)  # ExportedFiles, after both files are written

    def __init__(
        self,
        store: Store,
        assessment: Assessment,
        rubric: LoadedRubric,
        keys_dir: Path,
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.assessment = assessment
        self.key = record_key(assessment)
        self.rubric = rubric
        self.keys_dir = keys_dir
        self.dialogs = dialogs
        self.choices: list[KeyChoice] = []
        self.result: ExportedFiles | None = None
        # The last task stays referenced until the next one replaces it: its worker thread may
        # still be returning from run() when the result arrives here.
        self._task: BackgroundTask | None = None
        self._running = False
        self.setWindowTitle("签名并导出")

        self.pages = QStackedWidget()
        self.form_page = self._form_page()
        self.progress_page = self._progress_page()
        self.result_page = self._result_page()
        for page in (self.form_page, self.progress_page, self.result_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.setMinimumWidth(ems(self, 46))

        self.reload_keys()
        self.passphrase.setFocus()

    # ---- pages -----------------------------------------------------------------------------

    def _form_page(self) -> QWidget:
        a = self.assessment
        page = QWidget()
        title = _heading(a.centre.name or "（未填写机构名称）")
        visit = a.visit.date.isoformat() if a.visit.date else "未填写"
        finalised = beijing_text(a.finalised_at, "%Y-%m-%d %H:%M") if a.finalised_at else ""
        facts = QLabel(f"评估日期 {visit}　·　第 {a.version} 版　·　完成于 {finalised}")
        tone(facts, "muted")

        self.key_combo = QComboBox()
        self.key_combo.currentIndexChanged.connect(self._key_changed)
        self.import_button = QPushButton("导入密钥…")
        self.import_button.clicked.connect(self._import_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_combo, 1)
        key_row.addWidget(self.import_button)
        self.key_detail = QLabel()
        self.key_detail.setWordWrap(True)
        tone(self.key_detail, "muted")

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self.start)

        self.pad = SignaturePad()

        self.folder = QLineEdit(str(default_folder(self.store)))
        self.folder.setReadOnly(True)
        self.folder_button = QPushButton("选择文件夹…")
        self.folder_button.clicked.connect(self._choose_folder)
        self.drive_button = QPushButton("U 盘…")
        self.drive_button.setToolTip("导出到插入的 U 盘或移动硬盘")
        self.drive_button.clicked.connect(self._choose_drive)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.drive_button)
        folder_row.addWidget(self.folder_button)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("签名密钥", key_row)
        form.addRow("", self.key_detail)
        form.addRow("密钥口令", self.passphrase)
        form.addRow("手写签名", self.pad)
        form.addRow("保存到", folder_row)

        self.training_note = QLabel()
        self.training_note.setWordWrap(True)
        tone(self.training_note, "readOnly")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tone(self.error, "fieldError")
        self.error.hide()

        later = QPushButton("稍后再签")
        later.clicked.connect(self.reject)
        self.sign_button = QPushButton("签名并导出")
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.start)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(later)
        buttons.addWidget(self.sign_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(facts)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.training_note)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _progress_page(self) -> QWidget:
        page = QWidget()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.step = QLabel()
        tone(self.step, "muted")
        note = QLabel("正在签名并导出，请稍候。完成前请不要关闭本窗口。")
        note.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        layout.addWidget(_heading("正在签名并导出…"))
        layout.addWidget(note)
        layout.addSpacing(8)
        layout.addWidget(self.progress)
        layout.addWidget(self.step)
        layout.addStretch(2)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        title = _heading("✔ 签名导出完成")
        tone(title, "done")
        self.signed_by = QLabel()
        self.signed_by.setWordWrap(True)
        self.out_folder = QLabel()
        self.pdf_path = QLabel()
        self.json_path = QLabel()
        self.evidence_path = QLabel()
        for label in (self.out_folder, self.pdf_path, self.json_path, self.evidence_path):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_note = QLabel()
        self.result_note.setWordWrap(True)
        tone(self.result_note, "muted")
        paths = QFormLayout()
        paths.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        paths.addRow("保存位置", self.out_folder)
        paths.addRow("PDF 报告", self.pdf_path)
        paths.addRow("JSON 文件", self.json_path)
        paths.addRow("证据包", self.evidence_path)
        self.open_button = QPushButton("打开文件夹")
        self.open_button.clicked.connect(self.open_folder)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.signed_by)
        layout.addSpacing(6)
        layout.addLayout(paths)
        layout.addSpacing(6)
        layout.addWidget(self.result_note)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    # ---- the form --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._running

    def reload_keys(self, select: Path | None = None) -> None:
        """Fill the key list; choose `select`, else the newest usable imported key."""
        failure = None
        try:
            self.choices = key_choices(self.keys_dir)
        except UserError as exc:
            self.choices, failure = [], str(exc)
        self.key_combo.blockSignals(True)
        self.key_combo.clear()
        for choice in self.choices:
            self.key_combo.addItem(choice.label)
        preferred = [c for c in self.choices if c.path == select] or [
            c for c in self.choices if not c.problem
        ]
        if preferred:
            self.key_combo.setCurrentIndex(self.choices.index(preferred[0]))
        self.key_combo.blockSignals(False)
        self._key_changed()
        if failure:
            self._show_error(failure)

    def choice(self) -> KeyChoice | None:
        index = self.key_combo.currentIndex()
        return self.choices[index] if 0 <= index < len(self.choices) else None

    def _key_changed(self) -> None:
        self.error.hide()
        choice = self.choice()
        problem = choice.problem if choice else "没有可用的签名密钥"
        if choice is None:
            self.key_detail.clear()
        else:
            info = choice.info
            self.key_detail.setText(
                f"颁发者：{info.issuer}\n有效期：{beijing_text(info.not_before, '%Y-%m-%d', suffix=False)}"
                f" 至 {beijing_text(info.not_after, '%Y-%m-%d', suffix=False)}"
            )
        training = choice is not None and choice.builtin
        self.passphrase.setEnabled(not training)
        self.passphrase.clear()
        self.passphrase.setPlaceholderText(
            "培训密钥无需口令" if training else "输入该密钥的口令（不会保存）"
        )
        if training or self.assessment.training:
            why = "本评估是培训/样例记录" if self.assessment.training else "培训密钥的口令是公开的"
            self.training_note.setText(
                f"{why}：签名文件将标记为“培训/样例”，卫生健康委导入时不作为正式评估结果。"
            )
        self.training_note.setVisible(training or self.assessment.training)
        if problem:
            self._show_error(problem)
        self.sign_button.setEnabled(problem is None)

    def _import_key(self) -> None:
        stored = import_key_file(self.dialogs, self.keys_dir)
        if stored is not None:
            self.reload_keys(select=stored.path)
            self.passphrase.setFocus()

    def _choose_folder(self) -> None:
        chosen = self.dialogs.choose_folder("选择导出文件夹", Path(self.folder.text()))
        if chosen is not None:
            self.folder.setText(str(chosen))

    def _choose_drive(self) -> None:
        drives = removable_roots()
        if not drives:
            self._show_error("没有找到可写入的 U 盘或移动硬盘。插入后再点一次，或选择文件夹。")
            return
        menu = QMenu(self)
        for drive in drives:
            menu.addAction(str(drive), lambda d=drive: self.folder.setText(str(d)))
        menu.exec(self.drive_button.mapToGlobal(self.drive_button.rect().bottomLeft()))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # ---- signing ---------------------------------------------------------------------------

    def start(self) -> None:
        choice = self.choice()
        if self.busy or choice is None or not self.sign_button.isEnabled():
            return
        passphrase = "" if choice.builtin else self.passphrase.text()
        if not choice.builtin and not passphrase:
            self._show_error("请输入签名密钥的口令")
            self.passphrase.setFocus()
            return
        folder = Path(self.folder.text())
        if not folder.is_dir() and not self.dialogs.confirm(
            "导出文件夹不存在",
            f"文件夹“{folder}”不存在。是否新建该文件夹并导出到其中？",
            accept="新建并导出",
        ):
            return
        self.error.hide()
        self.progress.setValue(0)
        self.step.setText("准备中")
        self.pages.setCurrentWidget(self.progress_page)
        task = BackgroundTask(
            partial(
                sign_and_export,
                self.store,
                self.key,
                choice,
                passphrase,
                Path(self.folder.text()),
                self.pad.png_bytes(),
                self.rubric,
            )
        )
        task.signals.progressed.connect(self._progressed)
        task.signals.succeeded.connect(self._succeeded)
        task.signals.failed.connect(self._failed)
        self._task, self._running = task, True
        task.start()

    def _progressed(self, percent: int, step: str) -> None:
        self.progress.setValue(percent)
        self.step.setText(step)

    def _succeeded(self, files: ExportedFiles) -> None:
        self._running = False
        self.result = files
        self.passphrase.clear()
        settings(self.store.root).setValue(FOLDER_SETTING, str(files.json_path.parent))
        signature = files.document.signature
        if signature is not None:
            self.signed_by.setText(
                f"签名人：{signature.signer.name}（评估员编号 {signature.signer.assessor_id}），"
                "已生成以下文件："
            )
        self.out_folder.setText(str(files.json_path.parent))
        self.pdf_path.setText(files.pdf_path.name if files.pdf_path else "")
        self.json_path.setText(files.json_path.name)
        self.evidence_path.setText(
            files.evidence_path.name if files.evidence_path else "（本评估没有证据文件）"
        )
        notes = ["签名文件的副本也保存在本机的评估记录中；如需更正，可在评估列表中新建修订版本。"]
        if files.document.training:
            notes.insert(0, "文件已标记为“培训/样例”，不能作为正式评估结果上报。")
        self.result_note.setText("\n".join(notes))
        self.pages.setCurrentWidget(self.result_page)
        self.open_button.setFocus()
        self.exported.emit(files)

    def _failed(self, message: str) -> None:
        self._running = False
        self.pages.setCurrentWidget(self.form_page)
        self._show_error(message)
        if self.passphrase.isEnabled():
            self.passphrase.selectAll()
            self.passphrase.setFocus()

    # ---- the result ------------------------------------------------------------------------

    def open_folder(self) -> None:
        if self.result is not None and not self.dialogs.open_folder(self.result.json_path.parent):
            self.dialogs.error(
                "无法打开文件夹", f"请在文件管理器中打开：{self.result.json_path.parent}"
            )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Word-wrapped notes ask for height only once laid out at their width; grow to fit
        # them so the signature pad is never squeezed under its hint line.
        needed = self.sizeHint().height()
        if self.height() < needed:
            self.resize(self.width(), needed)

    # ---- not closable while the worker writes ----------------------------------------------

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
        else:
            super().closeEvent(event)
