"""Worker processes of an import end when the importer ends, however it ends.

A `ProcessPoolExecutor` shuts its workers down when the importer exits normally, but a killed
importer (SIGKILL, a crash, Task Manager) leaves them waiting for work that never comes, each
holding pyHanko and a rubric in memory. Every worker therefore runs a small thread that watches
its parent: through `multiprocessing.parent_process()` (a pipe on POSIX, a process handle on
Windows, both signalled by the parent's death) and, on POSIX, through `os.getppid()` (which
changes when the parent dies and the worker is adopted). When the parent is gone the worker
exits at once; the resource tracker follows by itself when its last holder is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

POLL_SECONDS = 0.5


def _parent_gone(parent_pid: int) -> bool:
    parent = multiprocessing.parent_process()
    if parent is not None and not parent.is_alive():
        return True
    return os.name != "nt" and os.getppid() != parent_pid


def _watch(parent_pid: int) -> None:
    while not _parent_gone(parent_pid):
        time.sleep(POLL_SECONDS)
    os._exit(1)  # no clean-up to do: the work of a dead importer has nowhere to go


def watch_parent(parent_pid: int) -> None:
    """Start watching the importer `parent_pid` from this worker process."""
    threading.Thread(target=_watch, args=(parent_pid,), name="parent-watch", daemon=True).start()
