"""A message too long for a message box (the about box): its text scrolls, so the dialog fits
a laptop screen however long the rubric's notes and change log grow."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

# Fits a 1366 × 768 laptop screen with room for the task bar.
WIDTH, HEIGHT = 640, 560


class LongMessageDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.view = QPlainTextEdit(text)
        self.view.setReadOnly(True)
        buttons = QDialogButtonBox()
        buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(WIDTH, HEIGHT)

    def text(self) -> str:
        return self.view.toPlainText()
