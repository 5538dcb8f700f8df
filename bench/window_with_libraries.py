"""The bare window plus only what the app cannot start without, a second reference for
bench_startup.py: the libraries its first screen needs before the window exists (filelock for
the one-writer lock, platformdirs for the data folder, logging.handlers for the rotating log,
dataclasses and typing) and the `Qt` namespace that any real widget code touches (PySide6
creates its ~90 enums at first access). What the app takes beyond this is its own code."""

from __future__ import annotations

import dataclasses  # noqa: F401
import logging.handlers  # noqa: F401
import sys
import typing  # noqa: F401

import filelock  # noqa: F401
import platformdirs  # noqa: F401
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

SHOWN = "shown"


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("托育机构质量评估")
    label = QLabel("托育机构质量评估")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(label)
    window.resize(1200, 800)
    window.show()
    QTimer.singleShot(0, lambda: (print(SHOWN, flush=True), app.quit()))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
