"""Every modal dialog the app shows, behind one small object that tests replace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

EVIDENCE_FILTER = (
    "照片和文档 (*.jpg *.jpeg *.png *.heic *.bmp *.gif *.webp *.pdf *.doc *.docx *.xls *.xlsx"
    " *.txt);;所有文件 (*)"
)
KEY_FILTER = "签名密钥文件 (*.p12 *.pfx);;所有文件 (*)"
ZIP_FILTER = "zip 压缩包 (*.zip);;所有文件 (*)"
CA_FILTER = "CA 证书 (*.pem *.crt *.cer *.der);;所有文件 (*)"
PLAN_FILTER = "评估任务包 (*.assessor-plan);;所有文件 (*)"
FOLLOWUP_FILTER = "复查任务 (*.assessor-followup);;所有文件 (*)"


class Dialogs:
    """Modal questions and messages; buttons carry Chinese text whatever Qt's locale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def confirm(self, title: str, text: str, accept: str = "确定", reject: str = "取消") -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(reject, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        box.exec()
        return box.clickedButton() is yes

    def inform(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.parent)
        box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def error(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.parent)
        box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def choose_files(self, title: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self.parent, title, str(Path.home()), EVIDENCE_FILTER
        )
        return [Path(n) for n in names]

    def choose_key_file(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, str(Path.home()), KEY_FILTER)
        return Path(name) if name else None

    def choose_folder(self, title: str, start: Path) -> Path | None:
        name = QFileDialog.getExistingDirectory(self.parent, title, str(start))
        return Path(name) if name else None

    def choose_zips(self, title: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self.parent, title, str(Path.home()), ZIP_FILTER)
        return [Path(n) for n in names]

    def choose_ca_file(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, str(Path.home()), CA_FILTER)
        return Path(name) if name else None

    def choose_plan_package(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, str(Path.home()), PLAN_FILTER)
        return Path(name) if name else None

    def choose_followup_task(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, str(Path.home()), FOLLOWUP_FILTER)
        return Path(name) if name else None

    def choose_save_path(self, title: str, suggested: Path, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, title, str(suggested), file_filter)
        return Path(name) if name else None

    def ask_secret(self, title: str, label: str) -> str | None:
        """A passphrase, typed hidden; None when cancelled."""
        return self._ask(title, label, secret=True)

    def ask_text(self, title: str, label: str, current: str = "") -> str | None:
        """A few lines of free text (a reason, a caption); None when cancelled."""
        return self._ask(title, label, secret=False, current=current)

    def _ask(self, title: str, label: str, *, secret: bool, current: str = "") -> str | None:
        box = QInputDialog(self.parent)
        box.setWindowTitle(title)
        box.setLabelText(label)
        box.setTextValue(current)
        box.setOkButtonText("确定")
        box.setCancelButtonText("取消")
        if secret:
            box.setTextEchoMode(QLineEdit.EchoMode.Password)
        else:
            box.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        return box.textValue() if box.exec() == QDialog.DialogCode.Accepted else None

    def present(self, dialog: QDialog) -> None:
        """Show a dialog of the app's own, modal to its window, without blocking the caller."""
        dialog.open()

    def open_folder(self, folder: Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
