"""Every modal dialog the app shows, behind one small object that tests replace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

EVIDENCE_FILTER = (
    "照片和文档 (*.jpg *.jpeg *.png *.heic *.bmp *.gif *.webp *.pdf *.doc *.docx *.xls *.xlsx"
    " *.txt);;所有文件 (*)"
)


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

    def error(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.parent)
        box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def choose_files(self, title: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self.parent, title, str(Path.home()), EVIDENCE_FILTER
        )
        return [Path(n) for n in names]
