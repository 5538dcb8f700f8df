"""A child process for the kill test: opens the app on a data folder and types a note.

Prints `KEY <record key>` once the note has the keyboard focus, then one line with the
number of characters typed after each keystroke, until it is killed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from assessor.core.rubric.registry import default_rubric
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow

KEY_INTERVAL_MS = 40
TEXT = "abcdefghijklmnopqrstuvwxyz0123456789" * 20


def main(data: Path) -> int:
    app = QApplication(["note_typist"])
    window = MainWindow(Store(data), default_rubric())
    window.show()
    window.new_assessment()
    workspace = window.workspace
    assert workspace is not None
    workspace.show_scoring()
    panel = workspace.scoring.panel
    panel.focus_note()
    print("KEY", window.controller.session.key, flush=True)
    typed = 0

    def type_one() -> None:
        nonlocal typed
        QTest.keyClick(panel.note, TEXT[typed])
        typed += 1
        print(typed, flush=True)

    timer = QTimer()
    timer.setInterval(KEY_INTERVAL_MS)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(type_one)
    timer.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
