"""`assessor` with no arguments: the desktop app."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from assessor.core.problems import UserError
from assessor.core.rubric.registry import default_rubric
from assessor.core.storage.atomic import StorageError
from assessor.core.storage.store import Store, default_root
from assessor.devtools.samples import create_newcomer_sample
from assessor.gui.main_window import MainWindow
from assessor.gui.widgets.fonts import install_font
from assessor.gui.widgets.translations import install_translations

SMOKE_ENV = "ASSESSOR_SMOKE_TEST"
SMOKE_FLAG = "--smoke-test"
SMOKE_QUIT_MS = 300


def open_store(root: Path) -> tuple[Store, bool]:
    """The store at `root`, and whether this is the first run (the folder did not exist)."""
    first_run = not root.exists()
    return Store(root), first_run


def run_app(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    smoke = SMOKE_FLAG in args or os.environ.get(SMOKE_ENV) == "1"
    app = QApplication.instance() or QApplication(
        [a for a in args if a != SMOKE_FLAG] or ["assessor"]
    )
    assert isinstance(app, QApplication)
    app.setApplicationName("assessor")
    app.setApplicationDisplayName("托育机构质量评估")
    install_translations(app)
    try:
        install_font(app)
        rubric = default_rubric()
        store, first_run = open_store(default_root())
        if first_run:
            create_newcomer_sample(store, rubric)
    except (UserError, StorageError, RuntimeError) as exc:
        return _fail(str(exc), smoke)

    window = MainWindow(store, rubric)
    window.show()
    if smoke:
        # Exercise the assessment screens too, so a packaged build missing a module fails here.
        if window.home.model.all:
            window.open_assessment(window.home.model.all[0].key)
        QTimer.singleShot(SMOKE_QUIT_MS, window.close)
        QTimer.singleShot(SMOKE_QUIT_MS, app.quit)
    return app.exec()


def _fail(message: str, smoke: bool) -> int:
    print(f"错误：{message}", file=sys.stderr)
    if not smoke:
        box = QMessageBox(
            QMessageBox.Icon.Critical, "托育机构质量评估", f"程序无法启动：\n{message}"
        )
        box.addButton("退出", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
    return 1


if __name__ == "__main__":
    # `python -m assessor.gui.app --smoke-test`: the flag form of the packaged smoke test.
    sys.exit(run_app())
