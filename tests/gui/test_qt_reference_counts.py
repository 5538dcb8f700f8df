"""A long session's worth of Qt calls leaves the interpreter alive.

PySide6-Essentials 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call and
to True on every emit, so about 20,000 calls abort the interpreter; pyproject.toml excludes
that release. This test fails on any PySide6 that brings the bug back.
"""

from __future__ import annotations

import os
import subprocess
import sys

LONG_SESSION = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
class Source(QObject):
    changed = Signal(str)
source = Source()
source.changed.connect(label.setText)
for n in range(60_000):  # void calls and emits, a busy day's worth and more
    label.update()
    source.changed.emit(str(n))
print("survived")
"""


def test_sixty_thousand_qt_calls_and_emits_do_not_kill_the_interpreter() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", LONG_SESSION], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "survived"
