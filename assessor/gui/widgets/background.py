"""Run slow core work (signing, rendering) off the GUI thread and report back through signals.

Signals emitted from the worker reach slots of QObjects living in the GUI thread as queued
calls, so widgets are only ever touched from the GUI thread. Connect them to bound methods of
a QObject (not to lambdas, which Qt would call in the worker thread).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from assessor.core.problems import UserError

Progress = Callable[[int, str], None]

log = logging.getLogger(__name__)


class _CollectorPause:
    """Python's cyclic garbage collector stays off while any task runs.

    The collector runs in whichever thread happens to allocate when it is due, so a worker
    that allocates a lot (rendering, signing) would collect discarded widgets there and
    destroy Qt objects outside the GUI thread, which corrupts memory. Paused, it resumes in
    the GUI thread when the last task has reported back.
    """

    def __init__(self) -> None:
        self.running = 0
        self.was_enabled = False

    def begin(self) -> None:
        if self.running == 0:
            self.was_enabled = gc.isenabled()
            gc.disable()
        self.running += 1

    def end(self) -> None:
        self.running -= 1
        if self.running == 0 and self.was_enabled:
            gc.enable()


_pause = _CollectorPause()


class TaskSignals(QObject):
    progressed = Signal(int, str)  # percent, step (Chinese)
    succeeded = Signal(object)
    failed = Signal(str)  # Chinese, shown as it is

    def __init__(self) -> None:
        super().__init__()
        # Lives in the GUI thread, so these run there, after the worker has reported.
        self.succeeded.connect(self._ended)
        self.failed.connect(self._ended)

    def _ended(self, _outcome: object = None) -> None:
        _pause.end()


class BackgroundTask(QRunnable):
    """`work(progress)` in a pool thread; exactly one of `succeeded` or `failed` follows.

    A pool thread has no asyncio event loop, so core code that calls `asyncio.run` (signing)
    works there.
    """

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        # Whoever starts the task keeps it until a result arrives; the pool must not delete
        # the object whose signals are still queued for delivery.
        self.setAutoDelete(False)
        self._work: Callable[[Progress], Any] | None = work
        self.signals = TaskSignals()

    def run(self) -> None:
        # Dropped as the work starts: what it holds (a passphrase) lives no longer than needed.
        work, self._work = self._work, None
        assert work is not None, "a task runs once"
        try:
            result = work(self.signals.progressed.emit)
        except UserError as exc:
            self.signals.failed.emit(str(exc))
        except Exception:
            # A bug must still end the task, or a dialog waiting for it would never close.
            log.exception("background task failed")
            self.signals.failed.emit("程序内部错误，操作未完成。请联系技术支持。")
        else:
            self.signals.succeeded.emit(result)

    def start(self) -> None:
        _pause.begin()
        QThreadPool.globalInstance().start(self)
