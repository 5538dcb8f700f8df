"""A bare PySide6 window, the floor of bench_startup.py: it prints one line once the window is
shown and the event loop idle (the same zero timer the app's smoke test uses), then quits."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

SHOWN = "shown"


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("托育机构质量评估")
    window.setCentralWidget(QLabel("托育机构质量评估"))
    window.resize(1200, 800)
    window.show()
    QTimer.singleShot(0, lambda: (print(SHOWN, flush=True), app.quit()))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
