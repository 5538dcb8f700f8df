"""Every modal dialog the app shows, behind one small object that tests replace."""

from __future__ import annotations

from pathlib import Path

# Message boxes and file and input dialogs are looked up on the module when first shown: each
# class's enum types are built when it is first imported, and a start shows none of them.
from PySide6 import QtWidgets
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from assessor.gui.widgets.settings import settings

EVIDENCE_FILTER = (
    "照片和文档 (*.jpg *.jpeg *.png *.heic *.bmp *.gif *.webp *.pdf *.doc *.docx *.xls *.xlsx"
    " *.txt);;所有文件 (*)"
)
KEY_FILTER = "签名密钥文件 (*.p12 *.pfx);;所有文件 (*)"
ZIP_FILTER = "zip 压缩包 (*.zip);;所有文件 (*)"
CA_FILTER = "CA 证书 (*.pem *.crt *.cer *.der);;所有文件 (*)"
# Under this group, the folder each file dialog was last left in, keyed by the dialog's title:
# every purpose (evidence photos, backups, imports, a CA certificate) has a title of its own.
LAST_FOLDERS = "last_folder/"
CRL_FILTER = "证书吊销列表 (*.crl *.pem *.der);;所有文件 (*)"
PLAN_FILTER = "评估任务包 (*.assessor-plan);;所有文件 (*)"
FOLLOWUP_FILTER = "复查任务 (*.assessor-followup);;所有文件 (*)"


class Dialogs:
    """Modal questions and messages; buttons carry Chinese text whatever Qt's locale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        # The data folder whose settings remember the last folder per purpose; None: forget.
        self.settings_root: Path | None = None

    def _start(self, title: str, default: Path) -> Path:
        """Where a file dialog opens: where this purpose's dialog was last left, while it
        still exists, else `default`."""
        if self.settings_root is not None:
            last = settings(self.settings_root).value(LAST_FOLDERS + title, "")
            if isinstance(last, str) and last and Path(last).is_dir():
                return Path(last)
        return default

    def _remember(self, title: str, folder: Path | None) -> None:
        if self.settings_root is not None and folder is not None:
            settings(self.settings_root).setValue(LAST_FOLDERS + title, str(folder))

    def confirm(self, title: str, text: str, accept: str = "确定", reject: str = "取消") -> bool:
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Question, title, text, parent=self.parent
        )
        yes = box.addButton(accept, QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(reject, QtWidgets.QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        box.exec()
        return box.clickedButton() is yes

    def inform(self, title: str, text: str) -> None:
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Information, title, text, parent=self.parent
        )
        box.addButton("确定", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def error(self, title: str, text: str) -> None:
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Warning, title, text, parent=self.parent
        )
        box.addButton("确定", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def choose_files(self, title: str) -> list[Path]:
        names, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self.parent, title, str(self._start(title, Path.home())), EVIDENCE_FILTER
        )
        return self._remembered_files(title, names)

    def choose_key_file(self, title: str) -> Path | None:
        start = str(self._start(title, Path.home()))
        name, _ = QtWidgets.QFileDialog.getOpenFileName(self.parent, title, start, KEY_FILTER)
        return self._remembered_file(title, name)

    def choose_folder(self, title: str, start: Path) -> Path | None:
        name = QtWidgets.QFileDialog.getExistingDirectory(
            self.parent, title, str(self._start(title, start))
        )
        self._remember(title, Path(name) if name else None)
        return Path(name) if name else None

    def choose_zips(self, title: str) -> list[Path]:
        start = str(self._start(title, Path.home()))
        names, _ = QtWidgets.QFileDialog.getOpenFileNames(self.parent, title, start, ZIP_FILTER)
        return self._remembered_files(title, names)

    def choose_ca_file(self, title: str) -> Path | None:
        start = str(self._start(title, Path.home()))
        name, _ = QtWidgets.QFileDialog.getOpenFileName(self.parent, title, start, CA_FILTER)
        return self._remembered_file(title, name)

    def choose_crl_files(self, title: str) -> list[Path]:
        start = str(self._start(title, Path.home()))
        names, _ = QtWidgets.QFileDialog.getOpenFileNames(self.parent, title, start, CRL_FILTER)
        return self._remembered_files(title, names)

    def choose_plan_package(self, title: str) -> Path | None:
        start = str(self._start(title, Path.home()))
        name, _ = QtWidgets.QFileDialog.getOpenFileName(self.parent, title, start, PLAN_FILTER)
        return self._remembered_file(title, name)

    def choose_followup_task(self, title: str) -> Path | None:
        start = str(self._start(title, Path.home()))
        name, _ = QtWidgets.QFileDialog.getOpenFileName(self.parent, title, start, FOLLOWUP_FILTER)
        return self._remembered_file(title, name)

    def choose_save_path(self, title: str, suggested: Path, file_filter: str) -> Path | None:
        start = self._start(title, suggested.parent) / suggested.name
        name, _ = QtWidgets.QFileDialog.getSaveFileName(self.parent, title, str(start), file_filter)
        return self._remembered_file(title, name)

    def _remembered_file(self, title: str, name: str) -> Path | None:
        path = Path(name) if name else None
        self._remember(title, path.parent if path else None)
        return path

    def _remembered_files(self, title: str, names: list[str]) -> list[Path]:
        paths = [Path(n) for n in names]
        self._remember(title, paths[0].parent if paths else None)
        return paths

    def ask_secret(self, title: str, label: str) -> str | None:
        """A passphrase, typed hidden; None when cancelled."""
        return self._ask(title, label, secret=True)

    def ask_text(self, title: str, label: str, current: str = "") -> str | None:
        """A few lines of free text (a reason, a caption); None when cancelled."""
        return self._ask(title, label, secret=False, current=current)

    def _ask(self, title: str, label: str, *, secret: bool, current: str = "") -> str | None:
        box = QtWidgets.QInputDialog(self.parent)
        box.setWindowTitle(title)
        box.setLabelText(label)
        box.setTextValue(current)
        box.setOkButtonText("确定")
        box.setCancelButtonText("取消")
        if secret:
            box.setTextEchoMode(QLineEdit.EchoMode.Password)
        else:
            box.setOption(QtWidgets.QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        return box.textValue() if box.exec() == QDialog.DialogCode.Accepted else None

    def present(self, dialog: QDialog) -> None:
        """Show a dialog of the app's own, modal to its window, without blocking the caller."""
        dialog.open()

    def open_folder(self, folder: Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
