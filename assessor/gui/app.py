"""`assessor` with no arguments: the desktop app."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

# The domain code before Qt: once PySide6 is imported, it reads the source file of every
# module imported after it (looking for `from __feature__`); imported first, the domain
# modules the home screen needs and their libraries do not pay for that. The store, its lock
# and the log (filelock, logging.handlers, the index) are imported right after the window's
# first paint, in `open_data`.
from assessor.core.paths import icon_path
from assessor.core.problems import UserError
from assessor.core.rubric.deferred import DeferredRubric, deferred_default_rubric
from assessor.core.storage.errors import StorageError
from assessor.core.storage.root import default_root

# isort: split
from PySide6 import QtWidgets  # QMessageBox, for errors only: looked up when one is shown
from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from assessor.gui.main_window import MainWindow
from assessor.gui.widgets.fonts import install_font
from assessor.gui.widgets.translations import install_translations

if TYPE_CHECKING:
    from assessor.core.storage.store import Store

SMOKE_ENV = "ASSESSOR_SMOKE_TEST"
SMOKE_FLAG = "--smoke-test"
SMOKE_QUIT_MS = 300
# What the smoke test prints; bench/bench_startup.py times the first line from process start.
SMOKE_SHOWN = "主窗口已显示"
SMOKE_OPENED = "已打开第一份评估"
# Once the window is up, what the start left for later is done ahead of the first click, one
# module per step (each ~0.1 s or less): what loading the rubric needs, then what opening an
# assessment needs (see `warm_up_steps`).
WARM_UP_MS = 100
RUBRIC_MODULES = (
    "pydantic",
    "pydantic.main",
    "assessor.core.rubric.model",
    "assessor.core.rubric.registry",
)
WARM_UP_MODULES = (
    "assessor.core.assessment.model",
    "assessor.core.session",
    "assessor.gui.assessment.controller",
    "assessor.gui.assessment.workspace",
)


def open_store(root: Path) -> tuple[Store, bool]:
    """The store at `root`, and whether this is the first run (the folder did not exist).

    Raises FolderInUse when another app or command is writing to the folder.
    """
    from assessor.core.storage.store import Store

    first_run = not root.exists()
    return Store(root), first_run


def show_start_error(message: str) -> None:
    """Why the app cannot start, in a message box (tests replace this function)."""
    Box = QtWidgets.QMessageBox
    box = Box(Box.Icon.Critical, "托育机构质量评估", message)
    box.addButton("退出", Box.ButtonRole.AcceptRole)
    box.exec()


def show_crash(message: str) -> None:
    """An error in the program itself, in a message box (tests replace this function)."""
    Box = QtWidgets.QMessageBox
    box = Box(Box.Icon.Critical, "托育机构质量评估：程序错误", message)
    box.addButton("确定", Box.ButtonRole.AcceptRole)
    box.exec()


def crash_message(log: Path | None) -> str:
    where = f"详细信息已写入日志文件：\n{log}\n请把该文件发给技术支持。" if log else ""
    return (
        "程序出现了内部错误，刚才的操作没有完成。\n"
        "每次修改都会立即保存，已保存的评估内容不受影响；请核对最近一次修改，"
        "必要时关闭并重新打开该评估。\n" + where
    )


def install_crash_handler(log: Path | None) -> None:
    """Uncaught exceptions (in Qt slots too) go to the log and a Chinese dialog, not a console
    the assessor never sees; the app keeps running."""
    showing = False

    def handle(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        nonlocal showing
        logging.getLogger("assessor.gui").error("未处理的异常", exc_info=(kind, error, trace))
        if showing or issubclass(kind, KeyboardInterrupt):
            return
        showing = True
        try:
            show_crash(crash_message(log))
        finally:
            showing = False

    sys.excepthook = handle


def set_identity(app: QApplication) -> None:
    """The names and the icon every window of the app shows (title bar, task bar, dock)."""
    app.setApplicationName("assessor")
    app.setApplicationDisplayName("托育机构质量评估")
    app.setWindowIcon(QIcon(str(icon_path())))


def run_app(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    smoke = SMOKE_FLAG in args or os.environ.get(SMOKE_ENV) == "1"
    app = QApplication.instance() or QApplication(
        [a for a in args if a != SMOKE_FLAG] or ["assessor"]
    )
    assert isinstance(app, QApplication)
    set_identity(app)
    install_translations(app)
    try:
        install_font(app)
        # Named now, loaded and checked once the window is up (see `warm_up_steps`).
        rubric = deferred_default_rubric()
    except (UserError, RuntimeError) as exc:
        start_log()
        return _fail(f"程序无法启动：\n{exc}", smoke)

    # The window first, its list saying 「正在读取…」; the data folder is locked and read
    # right after the first paint (a few milliseconds later), before anything else touches it.
    window = MainWindow(default_root(), rubric)
    window.show()
    if smoke:
        # A zero timer fires once the event loop has shown the window and is idle.
        QTimer.singleShot(0, lambda: _smoke_test(app, window))
    QTimer.singleShot(0, lambda: open_data(app, window, rubric, smoke))
    return app.exec()


def start_log() -> Path | None:
    from assessor.core.logs import start_logging

    return start_logging("桌面程序")


def open_data(app: QApplication, window: MainWindow, rubric: DeferredRubric, smoke: bool) -> None:
    """Once the window is painted: start the log, take the data folder's lock (a second app
    on the folder is refused here, before it reads or writes anything), create the sample on
    a first start, fill the home list from the index, then warm up what the first click
    needs. An app that cannot start hides its window, says why and exits with 1."""
    from assessor.core.storage.folder_lock import FolderInUse

    log = start_log()

    def fail(message: str) -> None:
        window.hide()
        app.exit(_fail(message, smoke))

    try:
        store, first_run = open_store(window.root)
        if first_run:
            # Only the first start needs the sample; later starts do not pay for its import.
            from assessor.devtools.samples import create_newcomer_sample

            create_newcomer_sample(store, rubric.load())
    except FolderInUse as exc:
        fail(
            f"托育机构质量评估已经打开了这个数据文件夹（{exc.root}），"
            "或者有命令正在修改其中的评估。\n请使用已经打开的窗口；如果是命令，请等它完成后再启动。"
        )
        return
    except (UserError, StorageError, RuntimeError) as exc:
        fail(f"程序无法启动：\n{exc}")
        return
    install_crash_handler(log)
    window.attach_store(store)

    def rubric_failed(exc: UserError) -> None:
        app.exit(_fail(f"程序无法启动：\n{exc}", smoke))

    QTimer.singleShot(WARM_UP_MS, lambda: warm_up(warm_up_steps(window, rubric_failed)))


def warm_up_steps(
    window: MainWindow, rubric_failed: Callable[[UserError], None]
) -> list[Callable[[], object]]:
    """What the start left for later: loading and checking the rubric (pydantic and its
    models, ~0.25 s in all; a broken rubric still stops the app, as it did before the window
    showed), its content hash (~25 ms), and the imports of the editing session and the
    assessment screens (~0.1 s), all before the first click needs them."""
    steps: list[Callable[[], object]] = []

    def load_rubric() -> None:
        try:
            window.load_rubric()
        except UserError as exc:
            steps.clear()  # nothing more to prepare for an app that stops
            rubric_failed(exc)

    steps += [
        *(lambda name=name: importlib.import_module(name) for name in RUBRIC_MODULES),
        load_rubric,
        lambda: window.rubric.sha256,
        *(lambda name=name: importlib.import_module(name) for name in WARM_UP_MODULES),
    ]
    return steps


def warm_up(steps: list[Callable[[], object]]) -> None:
    """Run one step per turn of the event loop, so the window stays responsive: a click or
    key press in between is handled before the next step."""
    if steps:
        steps.pop(0)()
        QTimer.singleShot(0, lambda: warm_up(steps))


def _smoke_test(app: QApplication, window: MainWindow) -> None:
    """Say the window is up; once its data is read (the next zero timer, `open_data`), open the
    first assessment (so a packaged build missing a module fails here), say how long that
    took once idle again, then quit."""
    print(SMOKE_SHOWN, flush=True)
    QTimer.singleShot(0, lambda: _smoke_open(app, window, time.perf_counter()))


def _smoke_open(app: QApplication, window: MainWindow, started: float) -> None:
    if not window.home.has_store:  # refused: `open_data` has said why and ends the app
        return
    try:
        # Opening at the first idle moment finds the rubric only named: its load and checks
        # count towards the time reported, and a broken one fails the smoke test.
        window.load_rubric()
    except UserError as exc:
        app.exit(_fail(f"程序无法启动：\n{exc}", True))
        return
    records = window.home.model.all
    if records:
        window.open_assessment(records[0].key)
        if window.workspace is None:
            print(f"错误：无法打开评估 {records[0].key}", file=sys.stderr)
            app.exit(1)
            return
        QTimer.singleShot(
            0,
            lambda: print(
                f"{SMOKE_OPENED}：{(time.perf_counter() - started) * 1000:.0f} 毫秒", flush=True
            ),
        )
    QTimer.singleShot(SMOKE_QUIT_MS, window.close)
    QTimer.singleShot(SMOKE_QUIT_MS, app.quit)


def _fail(message: str, smoke: bool) -> int:
    logging.getLogger("assessor.gui").error("无法启动：%s", message)
    print(f"错误：{message}", file=sys.stderr)
    if not smoke:
        show_start_error(message)
    return 1


if __name__ == "__main__":
    # `python -m assessor.gui.app --smoke-test`: the flag form of the packaged smoke test.
    sys.exit(run_app())
